package org.lemstriage.ingest.fhir;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A rest-hook notification of the FHIR Subscriptions R5 Backport IG for R4
 * (https://hl7.org/fhir/uv/subscriptions-backport/): a history Bundle whose first entry is the SubscriptionStatus
 * (a Parameters resource) and whose other entries carry the focus resources, in full or as ids only.
 *
 * @param type          handshake, heartbeat, event-notification, query-status or query-event
 * @param subscription  the Subscription it reports on (an id, safe to log)
 * @param events        the focus of each event: the resource when the payload is full, else only its reference
 */
public record SubscriptionNotification(String type, String subscription, List<Event> events) {
    public static final Set<String> TYPES = Set.of("handshake", "heartbeat", "event-notification", "query-status", "query-event");
    private static final String STATUS = "Bundle.entry[0].resource";

    /** One event's focus: {@code resource} is null for an id-only payload, to be read from the EHR. */
    public record Event(String path, String reference, Resource resource) {
    }

    public boolean carriesEvents() {
        return type.equals("event-notification") || type.equals("query-event");
    }

    public static SubscriptionNotification of(IBaseResource parsed) {
        if (!(parsed instanceof Bundle bundle)) {
            throw new FhirInputException(400, "resourceType", "A subscription notification is a Bundle, got " + parsed.fhirType());
        }
        if (bundle.getType() != Bundle.BundleType.HISTORY) {
            throw new FhirInputException(400, "Bundle.type", "A subscription notification Bundle has type history");
        }
        if (!bundle.hasEntry() || !(bundle.getEntryFirstRep().getResource() instanceof Parameters status)) {
            throw new FhirInputException(400, STATUS, "The first entry must be the SubscriptionStatus (a Parameters resource)");
        }
        String type = param(status.getParameter(), "type").map(p -> p.getValue() == null ? null : p.getValue().primitiveValue())
                .orElse(null);
        if (type == null || !TYPES.contains(type)) {
            throw new FhirInputException(400, STATUS + ".parameter.where(name='type')",
                    "The notification type must be one of " + String.join(", ", TYPES.stream().sorted().toList()));
        }
        String subscription = param(status.getParameter(), "subscription")
                .filter(p -> p.getValue() instanceof Reference).map(p -> ((Reference) p.getValue()).getReference()).orElse(null);
        if (subscription == null) {
            throw new FhirInputException(400, STATUS + ".parameter.where(name='subscription')", "The Subscription reference is required");
        }
        return new SubscriptionNotification(type, subscription, events(bundle, status));
    }

    /** Each notification-event's focus, found among the entries by fullUrl; without events, every entry after the status. */
    private static List<Event> events(Bundle bundle, Parameters status) {
        List<Event> events = new ArrayList<>();
        List<ParametersParameterComponent> notified = status.getParameter().stream().filter(p -> "notification-event".equals(p.getName())).toList();
        if (notified.isEmpty()) {
            for (int i = 1; i < bundle.getEntry().size(); i++) {
                var entry = bundle.getEntry().get(i);
                if (!entry.hasResource() && !entry.hasFullUrl()) {
                    throw new FhirInputException(400, "Bundle.entry[" + i + "]", "An event entry carries its focus resource "
                            + "(full payload) or names it in fullUrl (id-only payload); this one has neither");
                }
                events.add(new Event("Bundle.entry[" + i + "].resource", entry.getFullUrl(), entry.getResource()));
            }
            return events;
        }
        for (int n = 0; n < notified.size(); n++) {
            Optional<Reference> focus = param(notified.get(n).getPart(), "focus")
                    .filter(p -> p.getValue() instanceof Reference).map(p -> (Reference) p.getValue());
            if (focus.isEmpty() || !focus.get().hasReference()) {
                // An "empty" payload names no focus: nothing to ingest for this event
                continue;
            }
            String reference = focus.get().getReference();
            int index = entryFor(bundle, reference);
            events.add(index < 0
                    ? new Event(STATUS + ".parameter.where(name='notification-event')[" + n + "]", reference, null)
                    : new Event("Bundle.entry[" + index + "].resource", reference, bundle.getEntry().get(index).getResource()));
        }
        return events;
    }

    /** The entry whose fullUrl is the focus, or ends with it when the focus is relative; -1 if none. */
    private static int entryFor(Bundle bundle, String reference) {
        for (int i = 1; i < bundle.getEntry().size(); i++) {
            String fullUrl = bundle.getEntry().get(i).getFullUrl();
            if (fullUrl != null && (fullUrl.equals(reference) || fullUrl.endsWith("/" + reference))) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<ParametersParameterComponent> param(List<ParametersParameterComponent> params, String name) {
        return params.stream().filter(p -> name.equals(p.getName())).findFirst();
    }
}
