package org.lemstriage.ingest.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.ehrclient.EhrConfig;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;

/**
 * The resource an event is about: from the notification when the payload is full, else read from the configured
 * EHR (id-only payload). Only Observations are read, and only from that EHR: a notification cannot make ingest
 * fetch from anywhere else.
 */
@ApplicationScoped
public class SubscriptionFocus {
    private final EhrClient ehr;
    private final String ehrBase;

    public SubscriptionFocus(EhrClient ehr, EhrConfig config) {
        String ehrBase = config.baseUrl().toString();
        this.ehr = ehr;
        this.ehrBase = ehrBase.endsWith("/") ? ehrBase : ehrBase + "/";
    }

    /**
     * The focus resource, or null when it is neither an Observation nor a Condition; {@link
     * EhrFailure.Transient} when the EHR is away.
     */
    public Resource resolve(SubscriptionNotification.Event event) {
        if (event.resource() != null) {
            return event.resource();
        }
        String reference = event.reference();
        if (reference.startsWith("http://") || reference.startsWith("https://")) {
            if (!reference.startsWith(ehrBase)) {
                throw new FhirInputException(422, event.path(), "The focus " + reference + " is not on the configured EHR; "
                        + "send it with a full-resource payload");
            }
            reference = reference.substring(ehrBase.length());
        }
        IdType id = new IdType(reference);
        if (!TrackedResources.TYPES.contains(id.getResourceType())) {
            return null;
        }
        if (!id.hasIdPart()) {
            throw new FhirInputException(422, event.path(), "The focus " + reference + " names no " + id.getResourceType() + " id");
        }
        Class<? extends Resource> type = "Condition".equals(id.getResourceType())
                ? org.hl7.fhir.r4.model.Condition.class : Observation.class;
        String what = "read " + id.toUnqualifiedVersionless().getValue();
        try {
            // The version the event is about when the focus names one, else the current one
            return ehr.call(what, client -> id.hasVersionIdPart()
                    ? client.read().resource(type).withIdAndVersion(id.getIdPart(), id.getVersionIdPart()).execute()
                    : client.read().resource(type).withId(id.getIdPart()).execute());
        } catch (EhrFailure.Permanent e) {
            // The status only: the EHR's own answer may say what it holds, and is not ours to pass on
            throw new FhirInputException(422, event.path(), "The focus could not be read from the EHR: it answered HTTP " + e.status());
        }
    }
}
