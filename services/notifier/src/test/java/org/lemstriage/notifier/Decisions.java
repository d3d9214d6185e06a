package org.lemstriage.notifier;

import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Decisions as the classifier publishes them, for tests. */
public final class Decisions {
    private Decisions() {
    }

    public static TriageDecision decision(String episodeId, int version, String patient, Action action, Tier tier, int rounds) {
        LocalDate start = LocalDate.parse("2026-11-02");
        List<ScreeningRound> plan = java.util.stream.IntStream.rangeClosed(1, rounds)
                .mapToObj(i -> new ScreeningRound(i, "CT thorax", start.plusMonths(6L * (i - 1)), start.plusMonths(6L * (i - 1)).plusDays(30)))
                .toList();
        return new TriageDecision(episodeId + "/" + version, episodeId, version, patient, action, tier,
                List.of(new TriageDecision.Evidence("Observation/obs-1", Analyte.VGCC_PQ, "final", new BigDecimal("0.45"),
                        "nmol/L", null, LabResult.Qualitative.POSITIVE)),
                List.of("VGCC-PQ-DELTA-P-INTERMEDIATE@1"), "test", "P/Q-type VGCC antibody positive (test).", plan,
                Instant.parse("2026-11-03T10:00:00Z"), TriageDecision.ContextStatus.UNAVAILABLE,
                java.util.Arrays.stream(DeltaPItem.Item.values())
                        .map(i -> new DeltaPItem(i, DeltaPItem.Presence.UNKNOWN, null, "test")).toList(), 0);
    }
}
