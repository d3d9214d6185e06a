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
 * a P/Q-type VGCC test resulted under a local code nobody mapped would otherwise pass with AA and no trace (issue 29).
 * Lab codes and facility names are not patient data; a sender's code set bounds the tags.
 */
@ApplicationScoped
public class UnmappedLabCodes {
    private static final Logger LOG = Logger.getLogger(UnmappedLabCodes.class);
    /** Distinct codes kept track of for the log; past this, codes are still counted, no longer logged. */
    private static final int LOGGED_AT_MOST = 10_000;

    private final MeterRegistry registry;
    private final Set<OruToFhir.UnmappedCode> seen = ConcurrentHashMap.newKeySet();

    public UnmappedLabCodes(MeterRegistry registry) {
        this.registry = registry;
    }

    public void seen(OruToFhir.UnmappedCode code) {
        Counter.builder("lemstriage.v2.unmapped.codes").tag("sender", code.sender()).tag("coding_system", code.codingSystem())
                .tag("code", code.code()).description("HL7 v2 results whose code's coding system is not mapped (lemstriage.mllp.local-coding-systems)")
                .register(registry).increment();
        if (seen.size() < LOGGED_AT_MOST && seen.add(code)) {
            LOG.warnf("HL7 v2 code %s^^%s from %s maps to no coding system: not tracked (map it in lemstriage.mllp.local-coding-systems)",
                    code.code(), code.codingSystem(), code.sender());
        }
    }
}
