package org.lemstriage.classifier.rules;

import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.LabResult.Qualitative;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PositivityTest {
    private final Positivity positivity = new Positivity(Cutoffs.defaults());

    private Qualitative read(LabResult r) {
        return positivity.read(r).orElseThrow().result();
    }

    @Test
    void defaultCutoffIsStrictlyAboveMayoUpperNormal() {
        assertThat(read(Results.vgcc("Patient/1", "o", "0.02", "final"))).isEqualTo(Qualitative.NEGATIVE);
        assertThat(read(Results.vgcc("Patient/1", "o", "0.03", "final"))).isEqualTo(Qualitative.POSITIVE);
    }

    @Test
    void labInterpretationWinsOverTheValue() {
        assertThat(read(Results.vgcc("Patient/1", "o", "0.01", "final", List.of("H"), null))).isEqualTo(Qualitative.POSITIVE);
        assertThat(read(Results.vgcc("Patient/1", "o", "0.50", "final", List.of("IND"), null))).isEqualTo(Qualitative.EQUIVOCAL);
    }

    @Test
    void labReferenceRangeWinsOverTheDefaultCutoff() {
        // Labcorp: reference 0-30 pmol/L = 0-0.03 nmol/L, so 0.025 nmol/L is within range although above Mayo's 0.02
        var labcorp = new LabResult.ReferenceRange(BigDecimal.ZERO, new BigDecimal("0.03"), null);
        assertThat(read(Results.vgcc("Patient/1", "o", "0.025", "final", List.of(), labcorp))).isEqualTo(Qualitative.NEGATIVE);
    }

    @Test
    void arupIndeterminateBandIsEquivocalEvenAboveTheLabRange() {
        // ARUP 0092628: indeterminate 24.6-45.6 pmol/L = 0.0246-0.0456 nmol/L
        LabResult arup = new LabResult("Patient/1", org.lemstriage.model.terminology.Analyte.VGCC_PQ,
                "https://ltd.aruplab.com/Tests/Pub|0092628", "o", "1", null, "final", Instant.now(),
                new LabResult.NormalisedQuantity(new BigDecimal("0.030"), "nmol/L", null, new BigDecimal("30"), "pmol/L"),
                null, List.of(), new LabResult.ReferenceRange(BigDecimal.ZERO, new BigDecimal("0.0245"), null), null);
        assertThat(read(arup)).isEqualTo(Qualitative.EQUIVOCAL);
    }

    @Test
    void aFlagOnAValueInTheIndeterminateBandStaysEquivocal() {
        // ARUP 35 pmol/L flagged H is inside 24.6-45.6: a flag is not a reason to round up
        var reading = positivity.read(lab("https://ltd.aruplab.com/Tests/Pub|0092628", "0.035", null, List.of("H"))).orElseThrow();
        assertThat(reading.result()).isEqualTo(Qualitative.EQUIVOCAL);
        assertThat(reading.basis()).contains("indeterminate band", "flag H does not make it positive");
        // ...while the lab's explicit statement still wins, and a flag outside the band still counts
        assertThat(read(lab("https://ltd.aruplab.com/Tests/Pub|0092628", "0.035", null, List.of("POS")))).isEqualTo(Qualitative.POSITIVE);
        assertThat(read(lab("https://ltd.aruplab.com/Tests/Pub|0092628", "0.060", null, List.of("A")))).isEqualTo(Qualitative.POSITIVE);
    }

    @Test
    void labcorpWithoutItsOwnRangeIsReadAgainstLabcorpsLimit() {
        // Labcorp 140640 reference 0-30 pmol/L: 25 pmol/L is negative, though above Mayo's generic 0.02 nmol/L
        var reading = positivity.read(lab("https://www.labcorp.com/tests|140640", "0.025", null, List.of())).orElseThrow();
        assertThat(reading.result()).isEqualTo(Qualitative.NEGATIVE);
        assertThat(reading.basis()).contains("Labcorp's own limit");
        assertThat(read(lab("https://www.labcorp.com/tests|140640", "0.031", null, List.of()))).isEqualTo(Qualitative.POSITIVE);
    }

    @Test
    void mayoAgnaTiterIsPositiveFromOneIn240() {
        String agnts = "https://www.mayocliniclabs.com/test-catalog|AGNTS";
        assertThat(read(titer(agnts, "120", null))).isEqualTo(Qualitative.NEGATIVE);
        assertThat(read(titer(agnts, "240", null))).isEqualTo(Qualitative.POSITIVE);
        assertThat(positivity.read(titer(agnts, "240", null)).orElseThrow().basis()).contains("from titer 1:240");
        assertThat(read(titer(agnts, "240", ">="))).isEqualTo(Qualitative.POSITIVE);
        assertThat(read(titer(agnts, "240", "<"))).isEqualTo(Qualitative.NEGATIVE);
        assertThat(read(titer(agnts, "480", "<="))).isEqualTo(Qualitative.EQUIVOCAL);
        // LOINC 53709-2 names no lab; it is read against the 1:240 reference
        assertThat(read(titer("http://loinc.org|53709-2", "960", null))).isEqualTo(Qualitative.POSITIVE);
        assertThat(read(titer("http://loinc.org|53709-2", "120", null))).isEqualTo(Qualitative.NEGATIVE);
        assertThat(positivity.read(titer("http://loinc.org|53709-2", "240", null)).orElseThrow().basis()).contains("1:240");
        // A titer of a lab whose cutoff is unknown says nothing on its own
        assertThat(positivity.read(titer("https://example.org/lab|AGNA-T", "960", null))).isEmpty();
    }

    private static LabResult lab(String labCode, String nmolPerL, String comparator, List<String> interpretation) {
        return new LabResult("Patient/1", org.lemstriage.model.terminology.Analyte.VGCC_PQ, labCode, "o", "1", null, "final",
                Instant.now(), new LabResult.NormalisedQuantity(new BigDecimal(nmolPerL), "nmol/L", comparator,
                new BigDecimal(nmolPerL), "nmol/L"), null, interpretation, null, null);
    }

    private static LabResult titer(String labCode, String dilution, String comparator) {
        return new LabResult("Patient/1", org.lemstriage.model.terminology.Analyte.AGNA1, labCode, "o", "1", null, "final",
                Instant.now(), new LabResult.NormalisedQuantity(new BigDecimal(dilution), "{titer}", comparator,
                new BigDecimal(dilution), "{titer}"), null, List.of(), null, null);
    }

    @Test
    void comparatorStraddlingTheCutoffIsEquivocalNeverRounded() {
        LabResult lessThanHigh = new LabResult("Patient/1", org.lemstriage.model.terminology.Analyte.VGCC_PQ, "x|y", "o", "1",
                null, "final", Instant.now(), new LabResult.NormalisedQuantity(new BigDecimal("0.05"), "nmol/L", "<",
                new BigDecimal("0.05"), "nmol/L"), null, List.of(), null, null);
        assertThat(read(lessThanHigh)).isEqualTo(Qualitative.EQUIVOCAL);
    }
}
