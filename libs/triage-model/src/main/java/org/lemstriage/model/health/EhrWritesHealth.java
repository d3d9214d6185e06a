package org.lemstriage.model.health;

/**
 * The notifier's statement of its EHR writes, read by the console's pipeline view: the health group
 * {@value #GROUP} ({@code /q/health/group/ehr-writes} on the notifier's management address) holds one check,
 * {@value #CHECK}, whose data {@value #STATE} is the circuit breaker in front of the EHR: {@value #CLOSED},
 * {@value #OPEN} or {@value #HALF_OPEN}. The check is always UP: an open breaker is news, not ill health (the
 * notifier's readiness says whether the EHR answers).
 */
public final class EhrWritesHealth {
    public static final String GROUP = "ehr-writes";
    public static final String PATH = "/q/health/group/" + GROUP;
    public static final String CHECK = "ehr-circuit-breaker";
    public static final String STATE = "state";
    public static final String CLOSED = "closed";
    public static final String OPEN = "open";
    public static final String HALF_OPEN = "half-open";

    private EhrWritesHealth() {
    }
}
