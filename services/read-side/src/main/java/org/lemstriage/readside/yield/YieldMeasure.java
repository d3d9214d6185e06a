package org.lemstriage.readside.yield;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.Fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * The yield measure ({@code fhir/Measure-lems-triage-yield.json}, the definition a quality team imports) evaluated over
 * episodes: one MeasureReport (summary) with every group the Measure defines, each stratified by tier and by DELTA-P
 * score. Every stratum is reported, empty ones with 0, so reports compare period by period.
 */
public final class YieldMeasure {
    public static final String ID = "lems-triage-yield";
    /** A stratum's expected proportion beside its measured one: Maddison 2020's SCLC rate for the DELTA-P score. */
    public static final String EXPECTED = "https://lemstriage.org/fhir/StructureDefinition/expected-proportion";
    /**
     * Maddison 2020 (Sci Rep, PMC7324357), the prospective validation of DELTA-P: small-cell lung cancer in 0, 18.8, 45,
     * 55.5, 85.7, 87.5 and 100 % of patients with scores 0 to 6 (the rates ruleset 3.0's explanations quote).
     */
    static final double[] MADDISON_2020 = {0, 0.188, 0.45, 0.555, 0.857, 0.875, 1.0};
    private static final List<String> TIERS = List.of(TriageDecision.Tier.HIGH.name(), TriageDecision.Tier.INTERMEDIATE.name(),
            TriageDecision.Tier.LOW.name());
    private static final String UCUM = "http://unitsofmeasure.org";

    /** Per group code, what one episode adds to it: episodes or rounds. */
    private static final Map<String, ToIntFunction<EpisodeOutcome>> COUNTS = Map.ofEntries(
            Map.entry("episodes-opened", o -> 1),
            Map.entry("rounds-released", EpisodeOutcome::roundsReleased),
            Map.entry("rounds-completed", EpisodeOutcome::roundsCompleted),
            Map.entry("rounds-overdue", EpisodeOutcome::roundsOverdue),
            Map.entry("ct-done", EpisodeOutcome::ctDone),
            Map.entry("pet-done", EpisodeOutcome::petDone),
            Map.entry("tumours-sclc", o -> o.tumour() == EpisodeOutcome.Tumour.SCLC ? 1 : 0),
            Map.entry("tumours-other", o -> o.tumour() == EpisodeOutcome.Tumour.OTHER ? 1 : 0),
            Map.entry("surveillance-complete", o -> o.surveillanceComplete() && o.tumour() == EpisodeOutcome.Tumour.NONE ? 1 : 0));

    private final Measure measure;

    public YieldMeasure() {
        this.measure = definition();
    }

    /** The Measure as the repository defines it. */
    public static Measure definition() {
        try (InputStream in = YieldMeasure.class.getResourceAsStream("/fhir/Measure-" + ID + ".json")) {
            return Fhir.r4().newJsonParser().parseResource(Measure.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Measure measure() {
        return measure;
    }

    /** The report over these episodes (those opened in {@code period}), as of {@code now}. */
    public MeasureReport report(List<EpisodeOutcome> episodes, Period period, Date now) {
        MeasureReport report = new MeasureReport();
        report.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
        report.setType(MeasureReport.MeasureReportType.SUMMARY);
        report.setMeasure(measure.getUrl() + "|" + measure.getVersion());
        report.setDate(now);
        report.setPeriod(period);
        for (Measure.MeasureGroupComponent definition : measure.getGroup()) {
            String code = definition.getCode().getCodingFirstRep().getCode();
            MeasureReport.MeasureReportGroupComponent group = report.addGroup().setCode(definition.getCode().copy());
            fill(code, episodes, (population, count) -> group.addPopulation().setCode(population(population)).setCount(count),
                    group::setMeasureScore);
            for (Measure.MeasureGroupStratifierComponent stratifier : definition.getStratifier()) {
                boolean byScore = "delta-p-score".equals(stratifier.getCode().getCodingFirstRep().getCode());
                MeasureReport.MeasureReportGroupStratifierComponent reported = group.addStratifier();
                reported.addCode(stratifier.getCode().copy());
                List<String> values = byScore ? IntStream.rangeClosed(0, 6).mapToObj(Integer::toString).toList() : TIERS;
                Function<EpisodeOutcome, String> valueOf = byScore ? o -> Integer.toString(o.deltaPScore()) : o -> o.tier().name();
                for (String value : values) {
                    MeasureReport.StratifierGroupComponent stratum = reported.addStratum().setValue(new CodeableConcept().setText(value));
                    fill(code, episodes.stream().filter(o -> value.equals(valueOf.apply(o))).toList(),
                            (population, count) -> stratum.addPopulation().setCode(population(population)).setCount(count),
                            stratum::setMeasureScore);
                    if (byScore && "sclc-found".equals(code)) {
                        stratum.addExtension(EXPECTED, proportion(MADDISON_2020[Integer.parseInt(value)]));
                    }
                }
            }
        }
        return report;
    }

    /** A group's or stratum's populations and score over {@code episodes}. */
    private static void fill(String code, List<EpisodeOutcome> episodes, BiConsumer<String, Integer> populations,
                             Consumer<Quantity> score) {
        ToIntFunction<EpisodeOutcome> count = COUNTS.get(code);
        if (count != null) {
            populations.accept("initial-population", episodes.stream().mapToInt(count).sum());
            return;
        }
        Predicate<EpisodeOutcome> tumour = o -> o.monthsToTumour().isPresent();
        switch (code) {
            case "sclc-found" -> {
                int sclc = (int) episodes.stream().filter(o -> o.tumour() == EpisodeOutcome.Tumour.SCLC).count();
                populations.accept("initial-population", episodes.size());
                populations.accept("denominator", episodes.size());
                populations.accept("numerator", sclc);
                if (!episodes.isEmpty()) {
                    score.accept(proportion((double) sclc / episodes.size()));
                }
            }
            case "months-to-tumour" -> {
                double[] months = episodes.stream().filter(tumour).mapToDouble(o -> o.monthsToTumour().getAsDouble()).sorted().toArray();
                populations.accept("initial-population", episodes.size());
                populations.accept("measure-population", months.length);
                populations.accept("measure-observation", months.length);
                if (months.length > 0) {
                    double median = months.length % 2 == 1 ? months[months.length / 2]
                            : (months[months.length / 2 - 1] + months[months.length / 2]) / 2;
                    score.accept(new Quantity().setValue(round(median)).setUnit("month").setSystem(UCUM).setCode("mo"));
                }
            }
            default -> throw new IllegalStateException("the Measure defines a group lems-triage does not compute: " + code);
        }
    }

    private static Quantity proportion(double share) {
        return new Quantity().setValue(round(share)).setUnit("proportion").setSystem(UCUM).setCode("1");
    }

    private static BigDecimal round(double v) {
        return BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP);
    }

    private static CodeableConcept population(String code) {
        return new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/measure-population", code, null));
    }
}
