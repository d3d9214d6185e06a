package org.lemstriage.ingest.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.ingest.IngestConfig;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a Bundle posted to the base URL: batch, transaction, collection or message, up to a number of entries.
 * Each tracked entry (an Observation, or a Condition) is checked and its subject resolved within the
 * Bundle; other entries are carried along.
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

    /** One entry, checked: the resource ready to map, or the problem with it; {@code path} locates it. */
    public record Entry(int index, String path, DomainResource resource, FhirInputException problem) {
    }

    /** The tracked entries, each checked and with its subject resolved; other resource types are skipped. */
    public List<Entry> tracked(Bundle bundle) {
        BundleSubjects subjects = new BundleSubjects(bundle);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            var entry = bundle.getEntry().get(i);
            if (!TrackedResources.tracked(entry.getResource())) {
                continue;
            }
            DomainResource resource = (DomainResource) entry.getResource();
            String path = "Bundle.entry[" + i + "].resource";
            try {
                checkRequest(entry, bundle.getType(), i);
                reader.check(resource, path);
                subjects.resolve(resource, path);
                entries.add(new Entry(i, path, resource, null));
            } catch (FhirInputException e) {
                entries.add(new Entry(i, path, resource, e));
            }
        }
        return entries;
    }

    /** In a batch or transaction, a tracked entry is a POST to its type or a PUT to [type]/[its id]. */
    private static void checkRequest(Bundle.BundleEntryComponent entry, Bundle.BundleType type, int i) {
        if (type != Bundle.BundleType.BATCH && type != Bundle.BundleType.TRANSACTION) {
            return;
        }
        var request = entry.getRequest();
        String where = "Bundle.entry[" + i + "].request";
        String resourceType = entry.getResource().fhirType();
        if (request.getMethod() == Bundle.HTTPVerb.POST && resourceType.equals(request.getUrl())) {
            return;
        }
        if (request.getMethod() == Bundle.HTTPVerb.PUT && request.getUrl() != null
                && request.getUrl().equals(resourceType + "/" + entry.getResource().getIdElement().getIdPart())) {
            return;
        }
        throw new FhirInputException(400, where, where + " must be POST " + resourceType + " or PUT " + resourceType
                + "/[the resource's id]");
    }
}
