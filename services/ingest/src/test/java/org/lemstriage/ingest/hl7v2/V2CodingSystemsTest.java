package org.lemstriage.ingest.hl7v2;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class V2CodingSystemsTest {

    @Test
    void table0396NamesAndASitesLocalNamesAreReadWithoutCase() {
        V2CodingSystems systems = new V2CodingSystems(Map.of("Mayo|L", "https://www.mayocliniclabs.com/test-catalog"));
        assertThat(systems.uri("MAYO", "L")).contains("https://www.mayocliniclabs.com/test-catalog");
        assertThat(systems.uri("mayo", "l")).contains("https://www.mayocliniclabs.com/test-catalog");
        assertThat(systems.uri("ARUP", "L")).as("another sender's L is its own").isEmpty();
        assertThat(systems.uri("ANY", "ln")).contains("http://loinc.org");
        assertThat(systems.uri("ANY", "")).isEmpty();
    }
}
