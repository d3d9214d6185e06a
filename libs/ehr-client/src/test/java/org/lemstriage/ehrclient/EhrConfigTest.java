package org.lemstriage.ehrclient;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** lemstriage.ehr.* as a service meets it at start-up: defaults, and a wrong value named by its property. */
class EhrConfigTest {
    private static final String BASE = "lemstriage.ehr.base-url";

    @Test
    void defaultsAreNoAuthenticationAndShortTimeouts() {
        EhrConfig config = EhrConfigs.of(Map.of(BASE, "http://ehr.example/fhir"));
        assertThat(config.auth()).isEqualTo(EhrConfig.Auth.NONE);
        assertThat(config.connectTimeoutMs()).isEqualTo(3000);
        assertThat(config.readTimeoutMs()).isEqualTo(5000);
        assertThat(EhrAuth.from(config)).isEmpty();
    }

    @Test
    void aMissingBaseUrlIsNamed() {
        assertThatThrownBy(() -> EhrConfigs.of(Map.of())).hasMessageContaining(BASE);
    }

    @Test
    void aTimeoutThatIsNotANumberIsNamed() {
        assertThatThrownBy(() -> EhrConfigs.of(Map.of(BASE, "http://ehr.example/fhir", "lemstriage.ehr.read-timeout-ms", "30s")))
                .hasMessageContaining("lemstriage.ehr.read-timeout-ms");
    }

    @Test
    void anUnknownAuthenticationModeIsNamed() {
        assertThatThrownBy(() -> EhrConfigs.of(Map.of(BASE, "http://ehr.example/fhir", "lemstriage.ehr.auth", "basic")))
                .hasMessageContaining("lemstriage.ehr.auth");
    }

    @Test
    void aMisspelledPropertyStopsStartUp() {
        assertThatThrownBy(() -> EhrConfigs.of(Map.of(BASE, "http://ehr.example/fhir", "lemstriage.ehr.smart.clientid", "x")))
                .hasMessageContaining("lemstriage.ehr.smart.clientid");
    }

    @Test
    void smartWithoutItsClientIdNamesTheMissingProperty() {
        EhrConfig config = EhrConfigs.of(Map.of(BASE, "http://ehr.example/fhir", "lemstriage.ehr.auth", "smart"));
        assertThatThrownBy(() -> EhrAuth.from(config)).hasMessageContaining("lemstriage.ehr.smart.client-id");
    }

    @Test
    void bearerWithoutItsTokenNamesTheMissingProperty() {
        EhrConfig config = EhrConfigs.of(Map.of(BASE, "http://ehr.example/fhir", "lemstriage.ehr.auth", "bearer"));
        assertThatThrownBy(() -> EhrAuth.from(config)).hasMessageContaining("lemstriage.ehr.bearer-token");
    }
}
