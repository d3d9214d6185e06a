package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.event.TriageDecision.Evidence;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Ruleset 2.0 (DESIGN.md, "Clinical logic", as amended by issue 12): the rules in force and how their findings
 * combine. The highest tier any rule supports wins; a rule that excludes screening (known lung cancer) wins over every
 * tier; no finding is NONE. The version goes into every decision, so an audit can tell which logic decided.
 * <p>2.0 changed from 1.0: two-year plans for every tier ({@link ScreeningPlanner}); labs' own limits and flags inside
 * an indeterminate band ({@link Positivity}, {@link Cutoffs}); N-type with P/Q ({@link VgccNSupportiveRule}); old
 * results go to a clinician ({@link OldResultReview}); a recorded LEMS diagnosis screens seronegative patients
 * ({@link LemsDiagnosisRule}); the surveillance is followed to its end ({@link Surveillance}).
 */
public final class Ruleset {
    public static final String VERSION = "2.0";
    /**
     * What starts screening when decisive and positive, and whose first date is taken as onset: the antibodies, and
     * (ruleset 2.0) a recorded LEMS diagnosis, for the seronegative patients.
     */
    static final List<Analyte> SCREENING_ANTIBODIES = List.of(Analyte.VGCC_PQ, Analyte.SOX1, Analyte.AGNA1, Analyte.LEMS_DIAGNOSIS);

    /** The unit ingest gives an end titer 1:N (its value is N). */
    private static final String TITER = "{titer}";

    private final Positivity positivity;
    private final DeltaPAssessor deltaP;
    private final List<TriageRule> rules;

    public Ruleset(Positivity positivity, DeltaPAssessor deltaP, List<TriageRule> rules) {
        this.positivity = positivity;
        this.deltaP = deltaP;
        this.rules = List.copyOf(rules);
    }

    public static Ruleset v2(Cutoffs cutoffs, DeltaPCodes codes) {
        return new Ruleset(new Positivity(cutoffs), new DeltaPAssessor(codes), List.of(
                new KnownLungCancerRule(), new SoxPositiveRule(), new VgccPqDeltaPRule(), new LemsDiagnosisRule(),
                new VgccNSupportiveRule()));
    }

    /** Reads every result and, when the context is available, judges the DELTA-P items at onset. */
    public PatientEvidence read(String patientKey, List<LabResult> results, ClinicalContext context) {
        List<PatientEvidence.ReadResult> read = results.stream()
                .map(r -> new PatientEvidence.ReadResult(r, positivity.read(r).orElse(null))).toList();
        Optional<LocalDate> onset = onset(read);
        ContextStatus status = context != null && context.status() == ClinicalContext.Status.AVAILABLE
                ? ContextStatus.AVAILABLE : ContextStatus.UNAVAILABLE;
        List<DeltaPItem> items = onset.isPresent() ? deltaP.assess(context, onset.get())
                : DeltaPAssessor.unknown("no positive antibody result");
        return new PatientEvidence(patientKey, read, status, items, deltaP.knownLungCancer(context).orElse(null));
    }

    /** The date of the first decisive positive screening antibody: DELTA-P items and screening start from it. */
    public static Optional<LocalDate> onset(List<PatientEvidence.ReadResult> results) {
        return results.stream().filter(PatientEvidence.ReadResult::positive)
                .filter(r -> SCREENING_ANTIBODIES.contains(r.result().analyte()))
                .map(r -> r.result().effective()).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .map(i -> i.atZone(ZoneOffset.UTC).toLocalDate());
    }

    /** Whether any decisive positive screening antibody is present: then the EHR's context is needed. */
    public static boolean needsContext(PatientEvidence evidence) {
        return SCREENING_ANTIBODIES.stream().anyMatch(a -> !evidence.positive(a).isEmpty());
    }

    public Assessment assess(PatientEvidence evidence) {
        List<TriageRule.Finding> findings = rules.stream().map(r -> r.apply(evidence)).flatMap(Optional::stream).toList();
        Tier tier = findings.stream().map(TriageRule.Finding::tier).filter(t -> t != Tier.NONE)
                .min(Comparator.naturalOrder()).orElse(Tier.NONE); // enum order: HIGH first
        Optional<TriageRule.Finding> exclusion = findings.stream().filter(TriageRule.Finding::excludesScreening).findFirst();
        boolean screening = tier != Tier.NONE && exclusion.isEmpty();
        // Equivocal results set no tier but are always shown, never silently rounded
        List<PatientEvidence.ReadResult> shown = Stream.concat(findings.stream().flatMap(f -> f.basis().stream()),
                evidence.results().stream().filter(r -> r.reading() != null
                        && r.reading().result() == LabResult.Qualitative.EQUIVOCAL)).distinct().toList();
        return new Assessment(tier, screening, findings.stream().map(TriageRule.Finding::ruleId).toList(),
                shown.stream().map(Ruleset::evidence).toList(), evidence.deltaP(), evidence.deltaPScore(),
                evidence.context(), explain(tier, screening, findings, shown, evidence));
    }

    private static Evidence evidence(PatientEvidence.ReadResult r) {
        LabResult result = r.result();
        var q = result.quantity();
        return new Evidence(result.reference(), result.analyte(), result.status(),
                q == null ? null : q.value(), q == null ? null : q.unit(), q == null ? null : q.comparator(),
                r.reading() == null ? null : r.reading().result(), result.orderers());
    }

    private static String explain(Tier tier, boolean screening, List<TriageRule.Finding> findings,
                                  List<PatientEvidence.ReadResult> shown, PatientEvidence evidence) {
        List<String> parts = new ArrayList<>();
        if (findings.isEmpty()) {
            parts.add("No positive tracked antibody result: no screening indicated.");
        } else {
            parts.add(screening ? "Tier " + tier + ": screen for small-cell lung cancer." : "No screening Task.");
            for (TriageRule.Finding f : findings) {
                parts.add(capitalise(f.reason()) + " [rule " + f.ruleId() + "].");
            }
        }
        if (!shown.isEmpty()) {
            parts.add("Results: " + String.join("; ", shown.stream().map(Ruleset::describe).toList()) + ".");
        }
        if (needsContext(evidence)) {
            parts.add("DELTA-P items: " + String.join("; ", evidence.deltaP().stream().map(Ruleset::describe).toList()) + ".");
        }
        parts.add("Ruleset " + VERSION + ".");
        return String.join(" ", parts);
    }

    private static String describe(PatientEvidence.ReadResult r) {
        LabResult result = r.result();
        var q = result.quantity();
        String value = q == null ? "" : TITER.equals(q.unit()) ? " " + Objects.toString(q.comparator(), "") + "1:" + Positivity.plain(q.value())
                : " " + Objects.toString(q.comparator(), "") + Positivity.plain(q.value()) + " " + q.unit()
                + (q.unit().equals(q.originalUnit()) ? "" : " (" + Positivity.plain(q.originalValue()) + " " + q.originalUnit() + ")");
        String when = result.effective() == null ? "" : " on " + result.effective().atZone(ZoneOffset.UTC).toLocalDate();
        String reading = r.reading() == null ? "not interpretable"
                : r.reading().result().name().toLowerCase(Locale.ROOT) + " by " + r.reading().basis();
        return result.analyte().display() + value + when + " (" + result.reference() + ", "
                + result.status() + "), " + reading;
    }

    private static String describe(DeltaPItem item) {
        String name = item.item().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return name + " " + item.value() + (item.detail() == null ? "" : " (" + item.detail() + ")");
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** What the rules concluded for a patient now. */
    public record Assessment(Tier tier, boolean screening, List<String> rulesFired, List<Evidence> evidence,
                             List<DeltaPItem> deltaP, int deltaPScore, ContextStatus context, String explanation) {
    }
}
