package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.event.TriageDecision.Evidence;
import org.lemstriage.model.event.TriageDecision.Hold;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Ruleset 3.0 (docs/clinical-ruleset-3.md): the rules in force and how their findings combine. The highest tier any
 * rule supports wins; a rule that excludes screening (a known small-cell lung cancer) wins over every tier and every
 * question; no finding is NONE. What rules ask of clinicians is collected, and the strongest hold wins (CONFIRMATION,
 * no rounds written, over CLINICIAN_DECISION, rounds written on hold). The version goes into every decision, so an
 * audit can tell which logic decided.
 * <p>The rules: the tumour must fit ({@link TumourFit}, {@link KnownLungCancerRule}, {@link TumourFitReviewRule});
 * DELTA-P as Titulaer counted it, unknown never lowering the tier ({@link DeltaPAssessor}, {@link VgccPqDeltaPRule});
 * confirm before two years of imaging ({@link LowTitreRule}, {@link ImagingHoldRule}, {@link EquivocalRepeatRule});
 * the surveillance ({@link Surveillance}).
 */
public final class Ruleset {
    public static final String VERSION = "3.0";
    /**
     * What starts screening when decisive and positive, and whose first date is taken as onset: the antibodies, and
     * a recorded LEMS diagnosis, for the seronegative patients.
     */
    public static final List<Analyte> SCREENING_ANTIBODIES = List.of(Analyte.VGCC_PQ, Analyte.SOX1, Analyte.AGNA1, Analyte.LEMS_DIAGNOSIS);
    /** The upper end of Zalewski 2016's low band of P/Q-type VGCC antibody values (0.03-0.10 nmol/L), in nmol/L. */
    public static final String LOW_TITRE_MAX = "0.10";

    /** The unit ingest gives an end titer 1:N (its value is N). */
    private static final String TITER = "{titer}";

    private final Positivity positivity;
    private final DeltaPAssessor deltaP;
    private final TumourFit tumours;
    private final ClinicalCodes codes;
    private final List<TriageRule> rules;

    public Ruleset(Positivity positivity, ClinicalCodes codes, List<TriageRule> rules) {
        this.positivity = positivity;
        this.deltaP = new DeltaPAssessor(codes);
        this.tumours = new TumourFit(codes);
        this.codes = codes;
        this.rules = List.copyOf(rules);
    }

    public static Ruleset v3(Cutoffs cutoffs, ClinicalCodes codes, BigDecimal lowTitreMax) {
        return new Ruleset(new Positivity(cutoffs), codes, List.of(
                new KnownLungCancerRule(), new SoxPositiveRule(), new VgccPqDeltaPRule(), new LemsDiagnosisRule(),
                new VgccNSupportiveRule(), new TumourFitReviewRule(new TumourFit(codes)), new LowTitreRule(lowTitreMax),
                new ImagingHoldRule(), new EquivocalRepeatRule()));
    }

    public static Ruleset v3(Cutoffs cutoffs, ClinicalCodes codes) {
        return v3(cutoffs, codes, new BigDecimal(LOW_TITRE_MAX));
    }

    /**
     * Reads every result and, when the context is available, what the rules need from it; clinicians' answers from
     * the Tasks of {@code episodeId} only (null: no episode, no answers).
     */
    public PatientEvidence read(String patientKey, List<LabResult> results, ClinicalContext context, String episodeId) {
        List<PatientEvidence.ReadResult> read = results.stream()
                .map(r -> new PatientEvidence.ReadResult(r, positivity.read(r).orElse(null))).toList();
        Optional<LocalDate> onset = onset(read);
        boolean available = context != null && context.status() == ClinicalContext.Status.AVAILABLE;
        List<DeltaPItem> items = onset.isPresent() ? deltaP.assess(context, onset.get())
                : DeltaPAssessor.unknown("no positive antibody result");
        Integer age = available && context.birthDate() != null && onset.isPresent()
                ? Period.between(context.birthDate(), onset.get()).getYears() : null;
        return new PatientEvidence(patientKey, read, available ? ContextStatus.AVAILABLE : ContextStatus.UNAVAILABLE,
                onset.orElse(null), items, tumours.read(context),
                available && context.conditions().stream().anyMatch(c -> codes.lemsDiagnosis().matches(c.codes())
                        && "confirmed".equals(c.verificationStatus())),
                age, available ? ImagingHoldRule.pregnancy(codes, context).orElse(null) : null,
                ClinicianAnswers.read(context, episodeId));
    }

    /** The date of the first decisive positive screening antibody: DELTA-P items start from it. */
    public static Optional<LocalDate> onset(List<PatientEvidence.ReadResult> results) {
        return results.stream().filter(PatientEvidence.ReadResult::positive)
                .filter(r -> SCREENING_ANTIBODIES.contains(r.result().analyte()))
                .map(r -> r.result().effective()).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .map(i -> i.atZone(ZoneOffset.UTC).toLocalDate());
    }

    /**
     * The date a surveillance's plan counts from, and that the old-result rule judges: the first decisive positive
     * antibody result's date, or the day a LEMS diagnosis was recorded (Condition.recordedDate), else
     * the day it reached lems-triage: not its symptom onset, which may be months before it was recorded. A diagnosis
     * recorded years ago is an old result like any other.
     */
    public static Optional<LocalDate> planStart(List<PatientEvidence.ReadResult> results) {
        return results.stream().filter(PatientEvidence.ReadResult::positive)
                .filter(r -> SCREENING_ANTIBODIES.contains(r.result().analyte()))
                .map(r -> r.result().analyte() == Analyte.LEMS_DIAGNOSIS ? diagnosed(r.result()) : r.result().effective())
                .filter(Objects::nonNull).min(Comparator.naturalOrder())
                .map(i -> i.atZone(ZoneOffset.UTC).toLocalDate());
    }

    private static Instant diagnosed(LabResult diagnosis) {
        return diagnosis.recorded() != null ? diagnosis.recorded()
                : diagnosis.receivedAt() != null ? diagnosis.receivedAt() : diagnosis.effective();
    }

    /** Whether any decisive positive screening antibody is present: then the EHR's context is needed. */
    public static boolean needsContext(PatientEvidence evidence) {
        return SCREENING_ANTIBODIES.stream().anyMatch(a -> !evidence.positive(a).isEmpty());
    }

    public Assessment assess(PatientEvidence evidence) {
        List<TriageRule.Finding> findings = rules.stream().flatMap(r -> r.apply(evidence).stream()).toList();
        Tier tier = findings.stream().map(TriageRule.Finding::tier).filter(t -> t != Tier.NONE)
                .min(Comparator.naturalOrder()).orElse(Tier.NONE); // enum order: HIGH first
        Optional<TriageRule.Finding> exclusion = findings.stream().filter(TriageRule.Finding::excludesScreening).findFirst();
        boolean screening = tier != Tier.NONE && exclusion.isEmpty();
        // The missing DELTA-P items are asked for only when they could change the tier: not when another rule sets HIGH
        boolean highAnyway = findings.stream().anyMatch(f -> f.tier() == Tier.HIGH && f.requests().stream()
                .noneMatch(r -> r.kind() == ClinicianRequest.Kind.MISSING_DELTA_P));
        List<ClinicianRequest> requests = exclusion.isPresent() ? List.of()
                : findings.stream().flatMap(f -> f.requests().stream())
                .filter(r -> !(highAnyway && r.kind() == ClinicianRequest.Kind.MISSING_DELTA_P))
                .map(evidence.answers()::asked).toList();
        // No rounds without a tier; a question alone (an equivocal result) waits for its answer as CONFIRMATION does
        Hold hold = exclusion.isPresent() ? null : findings.stream().map(TriageRule.Finding::hold).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(!screening && !requests.isEmpty() ? Hold.CONFIRMATION : null);
        TriageRule.Ending ending = exclusion.isPresent() ? null
                : findings.stream().map(TriageRule.Finding::ending).filter(Objects::nonNull).findFirst().orElse(null);
        // Equivocal results set no tier but are always shown, never silently rounded
        List<PatientEvidence.ReadResult> shown = Stream.concat(findings.stream().flatMap(f -> f.basis().stream()),
                evidence.results().stream().filter(r -> r.reading() != null
                        && r.reading().result() == LabResult.Qualitative.EQUIVOCAL)).distinct().toList();
        return new Assessment(tier, screening, findings.stream().map(TriageRule.Finding::ruleId).distinct().toList(),
                shown.stream().map(Ruleset::evidenceOf).toList(), evidence.deltaP(), evidence.deltaPScore(),
                evidence.context(), explain(tier, screening, hold, requests, findings, shown, evidence), requests, hold, ending);
    }

    /** A result as a decision cites it. */
    public static Evidence evidenceOf(PatientEvidence.ReadResult r) {
        LabResult result = r.result();
        var q = result.quantity();
        return new Evidence(result.reference(), result.analyte(), result.status(),
                q == null ? null : q.value(), q == null ? null : q.unit(), q == null ? null : q.comparator(),
                r.reading() == null ? null : r.reading().result(), result.orderedBy());
    }

    private static String explain(Tier tier, boolean screening, Hold hold, List<ClinicianRequest> requests,
                                  List<TriageRule.Finding> findings, List<PatientEvidence.ReadResult> shown,
                                  PatientEvidence evidence) {
        List<String> parts = new ArrayList<>();
        if (findings.isEmpty()) {
            parts.add("No positive tracked antibody result: no screening indicated.");
        } else {
            parts.add(!screening ? (requests.isEmpty() ? "No screening Task." : "No screening; a clinician is asked.")
                    : hold == Hold.CONFIRMATION ? "Tier " + tier + ": screening waits for a clinician's confirmation."
                    : hold == Hold.CLINICIAN_DECISION ? "Tier " + tier + ": screening planned, imaging held for a clinician's decision."
                    : "Tier " + tier + ": screen for small-cell lung cancer.");
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

    /** A result in words: analyte, value, date, source, status and reading. */
    public static String describe(PatientEvidence.ReadResult r) {
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

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * What the rules concluded for a patient now.
     *
     * @param screening whether a tier calls for screening (rounds, unless the hold is CONFIRMATION)
     * @param requests  what clinicians are asked
     * @param hold      why the plan waits for a clinician, or null
     * @param ending    a clinician's answer that ends the episode, or null
     */
    public record Assessment(Tier tier, boolean screening, List<String> rulesFired, List<Evidence> evidence,
                             List<DeltaPItem> deltaP, int deltaPScore, ContextStatus context, String explanation,
                             List<ClinicianRequest> requests, Hold hold, TriageRule.Ending ending) {
        /** Whether the EHR must hold an episode: rounds to screen, or a question for a clinician. */
        public boolean active() {
            return screening || !requests.isEmpty();
        }
    }
}
