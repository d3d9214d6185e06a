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

    /** A site maps a local coding system for every sender, a sender's own mapping first. */
    @Test
    void aMappingForAnySenderAppliesWhereTheSenderHasNoneOfItsOwn() {
        V2CodingSystems systems = new V2CodingSystems(Map.of("*|L", "https://lab.hospital.example/codes",
                "MAYO|L", "https://www.mayocliniclabs.com/test-catalog"));
        assertThat(systems.uri("HOSPLAB", "L")).contains("https://lab.hospital.example/codes");
        assertThat(systems.uri("", "l")).contains("https://lab.hospital.example/codes");
        assertThat(systems.uri("MAYO", "L")).contains("https://www.mayocliniclabs.com/test-catalog");
        assertThat(systems.uri("HOSPLAB", "99ZZZ")).isEmpty();
    }
}
