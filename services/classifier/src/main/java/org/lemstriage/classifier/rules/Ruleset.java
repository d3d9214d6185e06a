package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.Evidence;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The rules in force and how their findings combine: the highest tier any rule supports wins; no finding is NONE.
 * The version goes into every decision, so an audit can tell which logic decided.
 */
public final class Ruleset {
    /**
     * Foundation ruleset: VGCC P/Q positivity only. The full v1 (SOX1/AGNA-1, DELTA-P from the EHR, known lung
     * cancer) replaces it, with its own version.
     */
    public static final String VERSION = "1.0-foundation";

    private final Positivity positivity;
    private final List<TriageRule> rules;

    public Ruleset(Positivity positivity, List<TriageRule> rules) {
        this.positivity = positivity;
        this.rules = List.copyOf(rules);
    }

    public static Ruleset foundation(Cutoffs cutoffs) {
        return new Ruleset(new Positivity(cutoffs), List.of(new VgccPqPositiveRule()));
    }

    public PatientEvidence read(String patientKey, List<LabResult> results) {
        return new PatientEvidence(patientKey, results.stream()
                .map(r -> new PatientEvidence.ReadResult(r, positivity.read(r).orElse(null))).toList());
    }

    public Assessment assess(PatientEvidence evidence) {
        List<TriageRule.Finding> findings = rules.stream().map(r -> r.apply(evidence))
                .flatMap(Optional::stream).toList();
        Tier tier = findings.stream().map(TriageRule.Finding::tier)
                .min(Comparator.naturalOrder()).orElse(Tier.NONE); // enum order: HIGH first
        List<PatientEvidence.ReadResult> basis = findings.stream().flatMap(f -> f.basis().stream()).distinct().toList();
        return new Assessment(tier, findings.stream().map(TriageRule.Finding::ruleId).toList(),
                basis.stream().map(Ruleset::evidence).toList(), explain(tier, findings));
    }

    private static Evidence evidence(PatientEvidence.ReadResult r) {
        LabResult result = r.result();
        var q = result.quantity();
        return new Evidence("Observation/" + result.observationId(), result.analyte(), result.status(),
                q == null ? null : q.value(), q == null ? null : q.unit(), q == null ? null : q.comparator(),
                r.reading() == null ? null : r.reading().result());
    }

    private static String explain(Tier tier, List<TriageRule.Finding> findings) {
        if (findings.isEmpty()) {
            return "No positive tracked antibody result: no screening indicated (ruleset " + VERSION + ").";
        }
        StringBuilder text = new StringBuilder("Tier ").append(tier).append(" (ruleset ").append(VERSION).append("). ");
        for (TriageRule.Finding finding : findings) {
            text.append(finding.reason()).append(" [rule ").append(finding.ruleId()).append("]. Results: ");
            text.append(String.join("; ", finding.basis().stream().map(Ruleset::describe).toList())).append(". ");
        }
        return text.toString().trim();
    }

    private static String describe(PatientEvidence.ReadResult r) {
        LabResult result = r.result();
        String value = result.quantity() == null ? "" : " " + (result.quantity().comparator() == null ? "" : result.quantity().comparator())
                + Positivity.plain(result.quantity().value()) + " " + result.quantity().unit();
        String when = result.effective() == null ? "" : " on " + DateTimeFormatter.ISO_LOCAL_DATE.format(result.effective().atZone(ZoneOffset.UTC));
        return result.analyte().display() + value + when + " (Observation/" + result.observationId() + ", "
                + result.status() + "), " + r.reading().result().name().toLowerCase() + " by " + r.reading().basis();
    }

    /** What the rules concluded for a patient now. */
    public record Assessment(Tier tier, List<String> rulesFired, List<Evidence> evidence, String explanation) {
    }
}
