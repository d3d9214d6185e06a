package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.Hold;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A child (under 18 at the first positive result) or a pregnancy (an active pregnancy Condition, or the
 * latest pregnancy status, LOINC 82810-3, saying pregnant) gets the plan written with every imaging order on hold
 * and one clinician-decision Task; nothing is released until the clinician decides: yes releases the plan on its
 * schedule, no ends the episode. DELTA-P and its schedules come from adult cohorts (Titulaer 2011, Maddison 2020),
 * and two years of CT and FDG-PET/CT is not a trivial dose. Rounds already released when a pregnancy is recorded stay
 * with the team; the rest wait.
 */
public final class ImagingHoldRule implements TriageRule {
    public static final String CHILD = "IMAGING-HOLD-CHILD@1";
    public static final String PREGNANCY = "IMAGING-HOLD-PREGNANCY@1";
    /**
     * Under this age at the first positive result a clinician decides: the age of majority, and DELTA-P's cohorts
     * were adults (Titulaer 2011, Maddison 2020).
     */
    static final int ADULT_AGE = 18;
    /**
     * A pregnancy record older than this says nothing about now: 42 completed weeks is where a pregnancy becomes
     * post-term (WHO ICD-10 definitions, O48), so a record older than that cannot be the same, ongoing pregnancy.
     */
    static final int PREGNANCY_WEEKS = 42;
    /**
     * Estimated effective dose per round: CT thorax median 7.5 mSv (range 0.3-26 mSv, a review of reported CT doses,
     * PMC3473464), and, after a negative CT, a whole-body FDG-PET/CT 13.5-32 mSv by protocol (Huang, Law and Khong,
     * Radiology 2009;251:166-74).
     */
    static final String DOSE = "each round is a CT thorax (median effective dose about 7.5 mSv in a review of reported CT doses) and, "
            + "if it is negative, an FDG-PET/CT (13.5-32 mSv by protocol; Huang 2009): up to about 40 mSv a round, over up to "
            + "six rounds in two years";
    static final String REQUEST = "imaging-decision/";

    @Override
    public String id() {
        return "IMAGING-HOLD@1";
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        if (!Ruleset.needsContext(evidence)) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        if (evidence.ageAtOnset() != null && evidence.ageAtOnset() < ADULT_AGE) {
            findings.add(hold(evidence, CHILD, "child", "the patient was " + evidence.ageAtOnset()
                    + " at the first positive result, and DELTA-P and its schedules come from adult cohorts"));
        }
        if (evidence.pregnancy() != null) {
            // Asked per pregnancy: an answer given in one pregnancy does not decide the next
            findings.add(hold(evidence, PREGNANCY, "pregnancy/" + evidence.pregnancy().reference(),
                    "the EHR records a current pregnancy (" + evidence.pregnancy().reference() + ")"));
        }
        return findings;
    }

    /**
     * A current pregnancy: a pregnancy Condition (code list {@code pregnancy}) that is active or has no clinical
     * status, not refuted, entered in error or abated, dated within {@value #PREGNANCY_WEEKS} weeks of the read (or
     * undated); or the latest pregnancy status (LOINC 82810-3) saying pregnant (code list {@code pregnant}), recorded
     * within as long.
     */
    static Optional<ClinicalContext.CodedFact> pregnancy(ClinicalCodes codes, ClinicalContext context) {
        LocalDate since = context.readAt() == null ? null
                : context.readAt().atZone(ZoneOffset.UTC).toLocalDate().minusWeeks(PREGNANCY_WEEKS);
        Optional<ClinicalContext.CodedFact> condition = context.conditions().stream()
                .filter(c -> codes.pregnancy().matches(c.codes()) && c.abated() == null)
                .filter(c -> c.clinicalStatus() == null || "active".equals(c.clinicalStatus()))
                .filter(c -> !c.withdrawn())
                .filter(c -> since == null || c.date() == null || !c.date().isBefore(since)).findFirst();
        if (condition.isPresent()) {
            return condition;
        }
        return context.pregnancyStatus().stream().filter(o -> o.date() != null)
                .max(Comparator.comparing(ClinicalContext.CodedFact::date))
                .filter(o -> codes.pregnant().matches(o.codes()))
                .filter(o -> since == null || !o.date().isBefore(since));
    }

    private static Finding hold(PatientEvidence evidence, String ruleId, String why, String because) {
        String requestId = REQUEST + why;
        var answer = evidence.answer(requestId);
        if (answer.isPresent() && answer.get()) {
            return Finding.tier(ruleId, Tier.NONE, List.of(), Ruleset.capitalise(because) + "; a clinician decided to go ahead with the imaging");
        }
        if (answer.isPresent()) {
            return Finding.ends(ruleId, Ruleset.capitalise(because) + "; a clinician decided against the screening imaging",
                    Closure.Reason.CLINICIAN_DECLINED, null);
        }
        ClinicianRequest request = new ClinicianRequest(requestId, ClinicianRequest.Kind.IMAGING_DECISION,
                ruleId.equals(PREGNANCY) ? evidence.pregnancy().reference() : null,
                "Please decide on tumour-screening imaging: " + because + ". The screening plan is written with every order "
                        + "on hold; " + DOSE + ". Complete this Task with Yes (SNOMED CT 373066001) to release the plan on its "
                        + "schedule, or No (373067005) to end this screening episode (a new positive result "
                        + "afterwards goes to a clinician) [rule " + ruleId + "].", null);
        return Finding.asks(ruleId, List.of(), Ruleset.capitalise(because) + ": the imaging is held until a clinician decides",
                request, Hold.CLINICIAN_DECISION);
    }
}
