package org.lemstriage.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.hl7v2.OruToFhir;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HL7 v2 results whose OBX-3 code no coding system could be given for (a sender's local system the site has not
 * mapped), as {@code lemstriage_v2_unmapped_codes_total{sender, coding_system, code}}, and each new one logged once:
 * a P/Q-type VGCC test resulted under a local code nobody mapped would otherwise pass with AA and no trace.
 * Lab codes and facility names are not patient data; at most {@value #DISTINCT_AT_MOST} codes are told apart.
 */
@ApplicationScoped
public class UnmappedLabCodes {
    private static final Logger LOG = Logger.getLogger(UnmappedLabCodes.class);
    /**
     * Distinct codes counted and logged one by one; past this (a sender whose OBX-3 is garbage), the rest are counted
     * together as {@code other}, so that no sender can grow the metrics without bound.
     */
    static final int DISTINCT_AT_MOST = 1_000;
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Set<OruToFhir.UnmappedCode> seen = ConcurrentHashMap.newKeySet();

    public UnmappedLabCodes(MeterRegistry registry) {
        this.registry = registry;
    }

    public void seen(OruToFhir.UnmappedCode code) {
        boolean known = seen.contains(code);
        if (!known && seen.size() < DISTINCT_AT_MOST && seen.add(code)) {
            known = true;
            LOG.warnf("HL7 v2 code %s^^%s from %s maps to no coding system: not tracked (map it in lemstriage.mllp.local-coding-systems)",
                    code.code(), code.codingSystem(), code.sender());
        }
        OruToFhir.UnmappedCode counted = known ? code : new OruToFhir.UnmappedCode(OTHER, OTHER, OTHER);
        Counter.builder("lemstriage.v2.unmapped.codes").tag("sender", counted.sender()).tag("coding_system", counted.codingSystem())
                .tag("code", counted.code()).description("HL7 v2 results whose code's coding system is not mapped (lemstriage.mllp.local-coding-systems)")
                .register(registry).increment();
    }
}
