package org.lemstriage.ingest.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.ingest.IngestConfig;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a Bundle posted to the base URL: batch, transaction, collection or message, up to a number of entries.
 * Each Observation entry is checked and its subject resolved within the Bundle; other entries are carried along.
 */
@ApplicationScoped
public class BundleReader {
    private static final Set<Bundle.BundleType> ACCEPTED = Set.of(Bundle.BundleType.BATCH, Bundle.BundleType.TRANSACTION,
            Bundle.BundleType.COLLECTION, Bundle.BundleType.MESSAGE);

    private final ObservationReader reader;
    private final int maxEntries;

    public BundleReader(ObservationReader reader,
                        IngestConfig config) {
        this.reader = reader;
        this.maxEntries = config.maxBundleEntries();
    }

    public Bundle read(String body, FhirFormat format) {
        IBaseResource parsed = reader.parse(body, format, "Bundle");
        if (!(parsed instanceof Bundle bundle)) {
            throw new FhirInputException(400, "resourceType", "Expected a Bundle at the base URL, got " + parsed.fhirType());
        }
        if (!bundle.hasType() || !ACCEPTED.contains(bundle.getType())) {
            throw new FhirInputException(400, "Bundle.type", "Bundle.type must be batch, transaction, collection or message");
        }
        if (bundle.getEntry().size() > maxEntries) {
            throw new FhirInputException(413, "Bundle.entry", "The Bundle has more than " + maxEntries + " entries");
        }
        return bundle;
    }

    /** One entry, checked: the Observation ready to map, or the problem with it; {@code path} locates it. */
    public record Entry(int index, String path, Observation observation, FhirInputException problem) {
    }

    /** The Observation entries, each checked and with its subject resolved; other resource types are skipped. */
    public List<Entry> observations(Bundle bundle) {
        BundleSubjects subjects = new BundleSubjects(bundle);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            var entry = bundle.getEntry().get(i);
            if (!(entry.getResource() instanceof Observation observation)) {
                continue;
            }
            String path = "Bundle.entry[" + i + "].resource";
            try {
                checkRequest(entry, bundle.getType(), i);
                reader.check(observation, path);
                subjects.resolve(observation, path);
                entries.add(new Entry(i, path, observation, null));
            } catch (FhirInputException e) {
                entries.add(new Entry(i, path, observation, e));
            }
        }
        return entries;
    }

    /** In a batch or transaction, an Observation entry is a POST to Observation or a PUT to Observation/[id]. */
    private static void checkRequest(Bundle.BundleEntryComponent entry, Bundle.BundleType type, int i) {
        if (type != Bundle.BundleType.BATCH && type != Bundle.BundleType.TRANSACTION) {
            return;
        }
        var request = entry.getRequest();
        String where = "Bundle.entry[" + i + "].request";
        if (request.getMethod() == Bundle.HTTPVerb.POST && "Observation".equals(request.getUrl())) {
            return;
        }
        if (request.getMethod() == Bundle.HTTPVerb.PUT && request.getUrl() != null
                && request.getUrl().equals("Observation/" + entry.getResource().getIdElement().getIdPart())) {
            return;
        }
        throw new FhirInputException(400, where, where + " must be POST Observation or PUT Observation/[the resource's id]");
    }
}
