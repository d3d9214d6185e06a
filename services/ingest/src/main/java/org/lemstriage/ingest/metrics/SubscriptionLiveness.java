package org.lemstriage.ingest.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each EHR Subscription last spoke (any notification: heartbeat, handshake or events), as
 * {@code lemstriage_subscription_last_notification_seconds{subscription}} (Unix time). A subscription that stops
 * sending heartbeats has stopped sending results too: the alert "no heartbeat from a Subscription" reads this.
 * Tagged by the Subscription's reference, which the EHR chooses: a handful per deployment.
 */
@ApplicationScoped
public class SubscriptionLiveness {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSeen = new ConcurrentHashMap<>();

    public SubscriptionLiveness(MeterRegistry registry) {
        this.registry = registry;
    }

    public void heard(String subscription) {
        String name = subscription == null || subscription.isBlank() ? "unknown" : subscription;
        lastSeen.computeIfAbsent(name, s -> {
            AtomicLong seconds = new AtomicLong();
            Gauge.builder("lemstriage.subscription.last.notification.seconds", seconds, AtomicLong::doubleValue)
                    .tag("subscription", s).description("When the EHR Subscription last sent a notification (Unix time)")
                    .register(registry);
            return seconds;
        }).set(System.currentTimeMillis() / 1000);
    }
}
