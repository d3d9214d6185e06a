package org.lemstriage.readside.console;

import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Quantity;
import org.lemstriage.readside.yield.YieldMeasure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The yield MeasureReport as the Quality page shows it: one row per tier and per DELTA-P score with every count, the
 * share that found a small-cell lung cancer and, per score, Maddison 2020's rate beside it; and as CSV, one line per
 * group, stratum and population.
 */
public record YieldView(List<Row> byTier, List<Row> byScore, Row all) {
    /** One stratum's figures; {@code share} and {@code expected} as percentages, or "-" when there is nothing to divide. */
    public record Row(String stratum, int episodes, int released, int completed, int overdue, int ct, int pet, int sclc,
                      int other, int complete, String monthsToTumour, String share, String expected) {
    }

    static YieldView of(MeasureReport report) {
        return new YieldView(rows(report, "tier"), rows(report, "delta-p-score"), row(report, "all", null, -1));
    }

    private static List<Row> rows(MeasureReport report, String stratifier) {
        int strata = group(report, "episodes-opened").getStratifier().stream()
                .filter(s -> stratifier.equals(s.getCodeFirstRep().getCodingFirstRep().getCode())).findFirst().orElseThrow()
                .getStratum().size();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < strata; i++) {
            rows.add(row(report, null, stratifier, i));
        }
        return rows;
    }

    /** The whole group ({@code index} -1) or one stratum of one stratifier. */
    private static Row row(MeasureReport report, String label, String stratifier, int index) {
        String stratum = label != null ? label : stratum(group(report, "episodes-opened"), stratifier, index).getValue().getText();
        Quantity share = score(report, "sclc-found", stratifier, index);
        Quantity months = score(report, "months-to-tumour", stratifier, index);
        var expected = index < 0 ? null : stratum(group(report, "sclc-found"), stratifier, index).getExtensionByUrl(YieldMeasure.EXPECTED);
        return new Row(stratum, count(report, "episodes-opened", stratifier, index), count(report, "rounds-released", stratifier, index),
                count(report, "rounds-completed", stratifier, index), count(report, "rounds-overdue", stratifier, index),
                count(report, "ct-done", stratifier, index), count(report, "pet-done", stratifier, index),
                count(report, "tumours-sclc", stratifier, index), count(report, "tumours-other", stratifier, index),
                count(report, "surveillance-complete", stratifier, index),
                months == null ? "-" : String.format(Locale.ROOT, "%.1f", months.getValue().doubleValue()),
                percent(share), expected == null ? "-" : percent((Quantity) expected.getValue()));
    }

    /** CSV: group, stratifier, stratum, population, count, score, expected. */
    static String csv(MeasureReport report) {
        Csv csv = new Csv("group", "stratifier", "stratum", "population", "count", "score", "expected");
        for (var group : report.getGroup()) {
            String code = group.getCode().getCodingFirstRep().getCode();
            for (var population : group.getPopulation()) {
                csv.row(code, "", "all", population.getCode().getCodingFirstRep().getCode(), population.getCount(),
                        value(group.hasMeasureScore() ? group.getMeasureScore() : null), "");
            }
            for (var stratifier : group.getStratifier()) {
                for (var stratum : stratifier.getStratum()) {
                    var expected = stratum.getExtensionByUrl(YieldMeasure.EXPECTED);
                    for (var population : stratum.getPopulation()) {
                        csv.row(code, stratifier.getCodeFirstRep().getCodingFirstRep().getCode(), stratum.getValue().getText(),
                                population.getCode().getCodingFirstRep().getCode(), population.getCount(),
                                value(stratum.hasMeasureScore() ? stratum.getMeasureScore() : null),
                                expected == null ? "" : value((Quantity) expected.getValue()));
                    }
                }
            }
        }
        return csv.toString();
    }

    private static MeasureReport.MeasureReportGroupComponent group(MeasureReport report, String code) {
        return report.getGroup().stream().filter(g -> code.equals(g.getCode().getCodingFirstRep().getCode())).findFirst().orElseThrow();
    }

    private static MeasureReport.StratifierGroupComponent stratum(MeasureReport.MeasureReportGroupComponent group, String stratifier, int index) {
        return group.getStratifier().stream().filter(s -> stratifier.equals(s.getCodeFirstRep().getCodingFirstRep().getCode()))
                .findFirst().orElseThrow().getStratum().get(index);
    }

    private static int count(MeasureReport report, String code, String stratifier, int index) {
        var group = group(report, code);
        return index < 0 ? group.getPopulationFirstRep().getCount() : stratum(group, stratifier, index).getPopulationFirstRep().getCount();
    }

    private static Quantity score(MeasureReport report, String code, String stratifier, int index) {
        var group = group(report, code);
        if (index < 0) {
            return group.hasMeasureScore() ? group.getMeasureScore() : null;
        }
        var stratum = stratum(group, stratifier, index);
        return stratum.hasMeasureScore() ? stratum.getMeasureScore() : null;
    }

    private static String percent(Quantity proportion) {
        return proportion == null ? "-" : String.format(Locale.ROOT, "%.1f %%", proportion.getValue().doubleValue() * 100);
    }

    private static String value(Quantity q) {
        return q == null ? "" : q.getValue().toPlainString();
    }
}
