package org.lemstriage.readside.yield;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.readside.yield.EpisodeOutcome.Tumour;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The yield of a synthetic cohort of 300 episodes whose outcomes are set by construction, against the figures worked
 * out by hand below. Per DELTA-P score: episodes, small-cell lung cancers (close to Maddison 2020's rates), other
 * tumours:
 * <pre>
 * score   0   1   2   3   4   5   6   all
 * n      60  64  60  45  35  24  12   300
 * SCLC    0  12  27  25  30  21  12   127
 * other   1   2   3   2   1   0   0     9
 * </pre>
 * Tier: HIGH for scores 3 to 6 and for the first 5 episodes of score 2 (SOX1 positive: HIGH whatever the score; all
 * 5 SCLC), so 121 episodes, 93 SCLC, 3 other; INTERMEDIATE for the rest of score 2 (55, 22, 3); LOW for 0 and 1
 * (124, 12, 3). An episode with a tumour released and completed one round, its CT and its PET done, the tumour recorded
 * 61 days after the first positive (2.004 months; another cancer: 183 days, 6.012 months). One without a tumour released
 * and completed every round (HIGH 6, else 5) with its CT, no PET, and completed its surveillance; a LOW one had one round
 * overdue on the way.
 * <ul>
 * <li>rounds released = completed = CT done: 25 x 6 (HIGH without tumour) + 30 x 5 (INTERMEDIATE) + 109 x 5 (LOW) + 136
 *     (one per tumour) = 150 + 150 + 545 + 136 = 981</li>
 * <li>rounds overdue: 109 (LOW without a tumour); PET done: 136; surveillances complete: 25 + 30 + 109 = 164</li>
 * <li>rounds released by tier: HIGH 25 x 6 + 96 = 246, INTERMEDIATE 30 x 5 + 25 = 175, LOW 109 x 5 + 15 = 560</li>
 * <li>share that found SCLC: 127 / 300 = 0.423; HIGH 93 / 121 = 0.769, INTERMEDIATE 22 / 55 = 0.400, LOW 12 / 124 = 0.097;
 *     by score 0, 0.188, 0.450, 0.556, 0.857, 0.875, 1.000</li>
 * <li>months to the tumour: 136 tumours, median 2.004 (127 at 2.004, 9 at 6.012)</li>
 * </ul>
 */
class YieldMeasureTest {
    private static final int[] EPISODES = {60, 64, 60, 45, 35, 24, 12};
    private static final int[] SCLC = {0, 12, 27, 25, 30, 21, 12};
    private static final int[] OTHER = {1, 2, 3, 2, 1, 0, 0};
    private static final LocalDate FIRST_POSITIVE = LocalDate.parse("2025-01-06");
    private static final Period PERIOD = new Period().setStart(java.sql.Date.valueOf("2025-01-01")).setEnd(java.sql.Date.valueOf("2027-01-01"));

    private final YieldMeasure yield = new YieldMeasure();

    @Test
    void theSyntheticCohortGivesTheFiguresWorkedOutByHand() {
        MeasureReport report = yield.report(cohort(), PERIOD, new Date());
        assertThat(count(report, "episodes-opened")).isEqualTo(300);
        assertThat(count(report, "rounds-released")).isEqualTo(981);
        assertThat(count(report, "rounds-completed")).isEqualTo(981);
        assertThat(count(report, "ct-done")).isEqualTo(981);
        assertThat(count(report, "rounds-overdue")).isEqualTo(109);
        assertThat(count(report, "pet-done")).isEqualTo(136);
        assertThat(count(report, "tumours-sclc")).isEqualTo(127);
        assertThat(count(report, "tumours-other")).isEqualTo(9);
        assertThat(count(report, "surveillance-complete")).isEqualTo(164);
        assertThat(score(group(report, "sclc-found").getMeasureScore())).isEqualTo("0.423");
        assertThat(score(group(report, "months-to-tumour").getMeasureScore())).isEqualTo("2.004");
        assertThat(populations(group(report, "months-to-tumour"))).containsExactly("initial-population=300",
                "measure-population=136", "measure-observation=136");

        var byTier = stratifier(group(report, "sclc-found"), "tier");
        assertThat(byTier.getStratum()).extracting(s -> s.getValue().getText() + " " + score(s.getMeasureScore()))
                .containsExactly("HIGH 0.769", "INTERMEDIATE 0.400", "LOW 0.097");
        var byScore = stratifier(group(report, "sclc-found"), "delta-p-score");
        assertThat(byScore.getStratum()).extracting(s -> s.getValue().getText() + " " + score(s.getMeasureScore()) + " vs "
                        + score((Quantity) s.getExtensionByUrl(YieldMeasure.EXPECTED).getValue()))
                .containsExactly("0 0.000 vs 0.000", "1 0.188 vs 0.188", "2 0.450 vs 0.450", "3 0.556 vs 0.555",
                        "4 0.857 vs 0.857", "5 0.875 vs 0.875", "6 1.000 vs 1.000");
        assertThat(stratifier(group(report, "rounds-released"), "tier").getStratum())
                .extracting(s -> s.getValue().getText() + " " + s.getPopulationFirstRep().getCount())
                .containsExactly("HIGH 246", "INTERMEDIATE 175", "LOW 560");
    }

    @Test
    void theMedianOfAnEvenNumberOfTumoursIsTheMeanOfTheMiddleTwo() {
        // 30, 61, 91 and 304 days from the first positive: the middle two average 76 days, 76 / 30.44 = 2.497 months
        List<EpisodeOutcome> four = java.util.stream.IntStream.of(304, 30, 91, 61).mapToObj(d -> new EpisodeOutcome("ep-" + d, Tier.HIGH, 4,
                FIRST_POSITIVE, 1, 1, 0, 1, 0, Tumour.SCLC, FIRST_POSITIVE.plusDays(d), false)).toList();
        assertThat(score(group(yield.report(four, PERIOD, new Date()), "months-to-tumour").getMeasureScore())).isEqualTo("2.497");
    }

    @Test
    void everyGroupTheMeasureDefinesIsReportedAndBothValidateAsR4() {
        MeasureReport report = yield.report(cohort(), PERIOD, new Date());
        assertThat(report.getGroup()).extracting(g -> g.getCode().getCodingFirstRep().getCode())
                .containsExactlyElementsOf(yield.measure().getGroup().stream().map(g -> g.getCode().getCodingFirstRep().getCode()).toList());
        assertThat(report.getMeasure()).isEqualTo("https://lemstriage.org/fhir/Measure/lems-triage-yield|1.0.0");
        FhirValidator validator = validator();
        assertThat(validator.validateWithResult(report).getMessages()).filteredOn(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .isEmpty();
        // Expression.language is bound extensibly in R4: the criteria say, in text/plain, that lems-triage computes them (no
        // CQL library); the in-memory terminology service reports any code outside the value set, and nothing else may fail
        assertThat(validator.validateWithResult(yield.measure()).getMessages()).filteredOn(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .filteredOn(m -> !(m.getLocationString().endsWith(".criteria.language") && m.getMessage().contains("expression-language#text/plain")))
                .isEmpty();
        // Nobody yet: every group and stratum, with nothing counted and no score
        MeasureReport empty = yield.report(List.of(), PERIOD, new Date());
        assertThat(count(empty, "episodes-opened")).isZero();
        assertThat(group(empty, "sclc-found").hasMeasureScore()).isFalse();
    }

    private static List<EpisodeOutcome> cohort() {
        List<EpisodeOutcome> episodes = new ArrayList<>();
        for (int score = 0; score <= 6; score++) {
            for (int i = 0; i < EPISODES[score]; i++) {
                Tier tier = score >= 3 || score == 2 && i < 5 ? Tier.HIGH : score == 2 ? Tier.INTERMEDIATE : Tier.LOW;
                Tumour tumour = i < SCLC[score] ? Tumour.SCLC : i < SCLC[score] + OTHER[score] ? Tumour.OTHER : Tumour.NONE;
                String id = "ep-" + score + "-" + i;
                if (tumour != Tumour.NONE) {
                    episodes.add(new EpisodeOutcome(id, tier, score, FIRST_POSITIVE, 1, 1, 0, 1, 1, tumour,
                            FIRST_POSITIVE.plusDays(tumour == Tumour.SCLC ? 61 : 183), false));
                } else {
                    int rounds = tier == Tier.HIGH ? 6 : 5;
                    episodes.add(new EpisodeOutcome(id, tier, score, FIRST_POSITIVE, rounds, rounds, tier == Tier.LOW ? 1 : 0,
                            rounds, 0, Tumour.NONE, null, true));
                }
            }
        }
        return episodes;
    }

    private static MeasureReport.MeasureReportGroupComponent group(MeasureReport report, String code) {
        return report.getGroup().stream().filter(g -> code.equals(g.getCode().getCodingFirstRep().getCode())).findFirst().orElseThrow();
    }

    private static int count(MeasureReport report, String code) {
        return group(report, code).getPopulationFirstRep().getCount();
    }

    private static List<String> populations(MeasureReport.MeasureReportGroupComponent group) {
        return group.getPopulation().stream().map(p -> p.getCode().getCodingFirstRep().getCode() + "=" + p.getCount()).toList();
    }

    private static MeasureReport.MeasureReportGroupStratifierComponent stratifier(MeasureReport.MeasureReportGroupComponent group, String code) {
        return group.getStratifier().stream().filter(s -> code.equals(s.getCodeFirstRep().getCodingFirstRep().getCode())).findFirst().orElseThrow();
    }

    private static String score(Quantity q) {
        return q.getValue().setScale(3, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    private static FhirValidator validator() {
        var fhir = Fhir.r4();
        return fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir))));
    }
}
