package org.lemstriage.ingest.auth;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.ingest.auth.SmartScopes.Access.CREATE;
import static org.lemstriage.ingest.auth.SmartScopes.Access.UPDATE;

class SmartScopesTest {

    // Dynamic tests, not @ParameterizedTest: kafka-test-common-runtime's auto-registered extension claims test templates
    private static final String[] CASES = {
            "system/Observation.write                      | true  | true",
            "system/Observation.*                          | true  | true",
            "system/*.write                                | true  | true",
            "system/*.*                                    | true  | true",
            "system/Observation.cruds                      | true  | true",
            "system/Observation.c                          | true  | false",
            "system/Observation.u                          | false | true",
            "system/*.cu                                   | true  | true",
            "system/Patient.read system/Observation.write  | true  | true",
            "system/Observation.read                       | false | false",
            "system/Observation.rs                         | false | false",
            "system/Patient.write                          | false | false",
            "user/Observation.write                        | false | false",
            "patient/Observation.write                     | false | false",
            "system/Observation.c?category=laboratory      | false | false",
            "system/Observation.writeX                     | false | false",
            "                                              | false | false",
    };

    @TestFactory
    Stream<DynamicTest> writeScopes() {
        return Stream.of(CASES).map(row -> row.split("\\|")).map(cell -> DynamicTest.dynamicTest(cell[0].trim() + " -> create " + cell[1].trim(), () -> {
            assertThat(SmartScopes.permits(cell[0].trim(), CREATE)).isEqualTo(Boolean.parseBoolean(cell[1].trim()));
            assertThat(SmartScopes.permits(cell[0].trim(), UPDATE)).isEqualTo(Boolean.parseBoolean(cell[2].trim()));
        }));
    }

    @org.junit.jupiter.api.Test
    void noScopeClaimGrantsNothing() {
        assertThat(SmartScopes.permits(null, CREATE)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void conditionsNeedAConditionOrWildcardScope() {
        org.assertj.core.api.Assertions.assertThat(SmartScopes.permits("system/Condition.write", SmartScopes.Access.CREATE, "Condition")).isTrue();
        org.assertj.core.api.Assertions.assertThat(SmartScopes.permits("system/*.c", SmartScopes.Access.CREATE, "Condition")).isTrue();
        org.assertj.core.api.Assertions.assertThat(SmartScopes.permits("system/Observation.write", SmartScopes.Access.CREATE, "Condition")).isFalse();
        org.assertj.core.api.Assertions.assertThat(SmartScopes.permits("system/Condition.write", SmartScopes.Access.CREATE, "Observation")).isFalse();
    }
}
