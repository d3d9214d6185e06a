package org.lemstriage.readside.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnmappedCodesTest {
    @Test
    void eachSeriesOfIngestsCounterIsOneCodeMostResultsFirst() {
        String exposition = String.join("\n",
                "# HELP lemstriage_v2_unmapped_codes_total HL7 v2 results whose code's coding system is not mapped",
                "# TYPE lemstriage_v2_unmapped_codes_total counter",
                "lemstriage_v2_unmapped_codes_total{code=\"CCPQ\",coding_system=\"L\",sender=\"HOSPLAB\"} 2.0",
                "lemstriage_v2_unmapped_codes_total{code=\"A \\\"quoted\\\" code\",coding_system=\"99CRN\",sender=\"HNAM\"} 5.0",
                "lemstriage_records_in_total{service=\"ingest\"} 41.0", "");
        assertThat(UnmappedCodes.parse(exposition)).containsExactly(
                new UnmappedCodes.Code("HNAM", "99CRN", "A \"quoted\" code", 5),
                new UnmappedCodes.Code("HOSPLAB", "L", "CCPQ", 2));
        assertThat(UnmappedCodes.parse("lemstriage_records_in_total{service=\"ingest\"} 41.0\n")).isEqualTo(List.of());
    }
}
