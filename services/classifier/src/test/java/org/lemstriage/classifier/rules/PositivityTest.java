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
    void comparatorStraddlingTheCutoffIsEquivocalNeverRounded() {
        LabResult lessThanHigh = new LabResult("Patient/1", org.lemstriage.model.terminology.Analyte.VGCC_PQ, "x|y", "o", "1",
                null, "final", Instant.now(), new LabResult.NormalisedQuantity(new BigDecimal("0.05"), "nmol/L", "<",
                new BigDecimal("0.05"), "nmol/L"), null, List.of(), null, null);
        assertThat(read(lessThanHigh)).isEqualTo(Qualitative.EQUIVOCAL);
    }
}
