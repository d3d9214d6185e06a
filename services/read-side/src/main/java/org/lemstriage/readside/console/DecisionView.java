package org.lemstriage.readside.console;

import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.TriageDecision;

import java.math.BigDecimal;
import java.util.List;

/** A decision as a person reads it: what was decided, why (explanation, rules), on what (evidence, DELTA-P), what follows (rounds). */
public record DecisionView(String decisionId, String episodeId, int version, String patientKey, String action, String tier,
                           String decidedAt, String rulesetVersion, List<String> rules, String explanation, String context,
                           int deltaPScore, List<EvidenceLine> evidence, List<DeltaPLine> deltaP, List<RoundLine> rounds,
                           String closure) {

    public record EvidenceLine(String analyte, String result, String status, String observation) {
    }

    public record DeltaPLine(String item, String value, String source) {
    }

    public record RoundLine(int round, String procedure, String dueFrom, String dueTo, String state, boolean petOrdered) {
    }

    public static DecisionView of(TriageDecision d) {
        List<EvidenceLine> evidence = d.evidence() == null ? List.of() : d.evidence().stream()
                .map(e -> new EvidenceLine(e.analyte() == null ? "?" : e.analyte().display(), result(e), e.status(), e.observationReference()))
                .toList();
        List<DeltaPLine> deltaP = d.deltaP() == null ? List.of() : d.deltaP().stream().map(DecisionView::line).toList();
        List<RoundLine> rounds = d.plan() == null ? List.of() : d.plan().stream()
                .map(r -> new RoundLine(r.round(), r.procedure(), String.valueOf(r.dueFrom()), String.valueOf(r.dueTo()),
                        r.state().name(), r.petOrdered()))
                .toList();
        String closure = d.closure() == null ? null : d.closure().reason() + (d.closure().reference() == null ? "" : " (" + d.closure().reference() + ")");
        return new DecisionView(d.decisionId(), d.episodeId(), d.version(), d.patientKey(), d.action().name(),
                d.tier() == null ? "NONE" : d.tier().name(), d.decidedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), d.rulesetVersion(),
                d.rulesFired() == null ? List.of() : d.rulesFired(), d.explanation(),
                d.context() == null ? "" : d.context().name(), d.deltaPScore(), evidence, deltaP, rounds, closure);
    }

    /** "1.7 nmol/L, POSITIVE", "<0.02 nmol/L", or the qualitative result alone. */
    private static String result(TriageDecision.Evidence e) {
        StringBuilder s = new StringBuilder();
        if (e.value() != null) {
            s.append(e.comparator() == null ? "" : e.comparator()).append(plain(e.value()));
            if (e.unit() != null) {
                s.append(' ').append(e.unit());
            }
        }
        if (e.result() != null) {
            s.append(s.isEmpty() ? "" : ", ").append(e.result().name());
        }
        return s.toString();
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static DeltaPLine line(DeltaPItem item) {
        return new DeltaPLine(item.item().name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT), item.value().name(),
                item.source() == null ? "" : item.source());
    }
}
