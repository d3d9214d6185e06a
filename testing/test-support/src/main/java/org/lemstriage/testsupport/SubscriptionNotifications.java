package org.lemstriage.testsupport;

import java.util.List;
import java.util.UUID;

/** Subscription notifications as an EHR sends them (FHIR Subscriptions Backport IG, R4: a history Bundle). */
public final class SubscriptionNotifications {
    private SubscriptionNotifications() {
    }

    /**
     * A notification Bundle: the SubscriptionStatus of {@code subscription} with {@code type} (handshake, heartbeat,
     * event-notification, ...), one notification-event per focus, then {@code entries} (JSON, each starting with a comma).
     */
    public static String of(String type, String subscription, List<String> focuses, String entries) {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < focuses.size(); i++) {
            events.append((",{\"name\":\"notification-event\",\"part\":[{\"name\":\"event-number\",\"valueString\":\"%d\"},"
                    + "{\"name\":\"focus\",\"valueReference\":{\"reference\":\"%s\"}}]}").formatted(i + 1, focuses.get(i)));
        }
        return """
                {"resourceType":"Bundle","type":"history","timestamp":"2026-11-21T10:00:00Z","entry":[
                 {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Parameters",
                  "meta":{"profile":["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"]},
                  "parameter":[{"name":"subscription","valueReference":{"reference":"%s"}},
                   {"name":"topic","valueCanonical":"http://example.org/topics/lab-result"},
                   {"name":"status","valueCode":"active"},{"name":"type","valueCode":"%s"},
                   {"name":"events-since-subscription-start","valueString":"%d"}%s]}}%s]}
                """.formatted(UUID.randomUUID(), subscription, type, focuses.size(), events, entries);
    }

    /** A heartbeat: the EHR saying the subscription is alive between events. */
    public static String heartbeat(String subscription) {
        return of("heartbeat", subscription, List.of(), "");
    }
}
