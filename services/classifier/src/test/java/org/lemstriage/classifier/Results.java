package org.lemstriage.classifier;

import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** LabResults as ingest publishes them, for tests. */
public final class Results {
    private Results() {
    }

    /** A P/Q-type VGCC result already normalised to nmol/L, with no interpretation or range of its own. */
    public static LabResult vgcc(String patient, String observationId, String nmolPerL, String status) {
        return vgcc(patient, observationId, nmolPerL, status, List.of(), null);
    }

    public static LabResult vgcc(String patient, String observationId, String nmolPerL, String status,
                                 List<String> interpretation, LabResult.ReferenceRange range) {
        BigDecimal value = new BigDecimal(nmolPerL);
        return new LabResult(patient, Analyte.VGCC_PQ, "https://www.mayocliniclabs.com/test-catalog|CCPQ",
                observationId, "1", null, status, Instant.parse("2026-11-02T09:30:00Z"),
                new LabResult.NormalisedQuantity(value, "nmol/L", null, value, "nmol/L"), null, interpretation,
                range, "{}");
    }

    public static LabResult withVersion(LabResult r, String version, String status) {
        return new LabResult(r.patientKey(), r.analyte(), r.labCode(), r.observationId(), version, r.sourceSystem(),
                status, r.effective(), r.quantity(), r.qualitative(), r.interpretation(), r.referenceRange(), r.resource());
    }

    /**
     * The same result without a value, as a later version: a final with only a dataAbsentReason, an empty OBX-5;
     * {@code finalisesEarlier} for HL7 v2 OBX-11 U.
     */
    public static LabResult withoutValue(LabResult r, String version, String status, boolean finalisesEarlier) {
        return new LabResult(r.patientKey(), r.analyte(), r.labCode(), r.observationId(), version, r.sourceSystem(),
                status, r.effective(), null, null, List.of(), null, "{}", List.of(), null, finalisesEarlier ? Boolean.TRUE : null);
    }
}
