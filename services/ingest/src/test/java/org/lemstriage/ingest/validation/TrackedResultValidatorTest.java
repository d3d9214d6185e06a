package org.lemstriage.ingest.validation;

import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.model.fhir.Fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackedResultValidatorTest {
    /** As LabResultMapper hands it over: parsed, then encoded again. */
    private static String parse(String json) {
        return Fhir.r4().newJsonParser().encodeResourceToString(Fhir.r4().newJsonParser().parseResource(Observation.class, json));
    }

    @Test
    void pooledValidatorsStillFindErrorsAfterTheyAreRecycled() {
        TrackedResultValidator validator = new TrackedResultValidator(true, 1);
        String valid = parse(Samples.mayoVgcc("v-1", "Patient/v", "0.45"));
        // obs-6: a value and a dataAbsentReason together
        String invalid = parse(Samples.mayoVgcc("v-2", "Patient/v", "0.45")
                .replace("\"status\":\"final\",", "\"status\":\"final\",\"dataAbsentReason\":{\"text\":\"not done\"},"));
        for (int i = 0; i < ValidatorPool.USES_BEFORE_RECYCLING + 10; i++) {
            assertThatCode(() -> validator.validate(valid)).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> validator.validate(invalid)).isInstanceOfSatisfying(FhirInputException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.issues()).anySatisfy(issue -> assertThat(issue.message()).contains("obs-6"));
            assertThat(e.issues()).allSatisfy(issue -> assertThat(issue.expression()).startsWith("Observation"));
        });
    }

    @Test
    void switchedOffItValidatesNothing() {
        String invalid = parse(Samples.mayoVgcc("v-3", "Patient/v", "0.45")
                .replace("\"status\":\"final\",", "\"status\":\"final\",\"dataAbsentReason\":{\"text\":\"not done\"},"));
        assertThatCode(() -> new TrackedResultValidator(false, 1).validate(invalid)).doesNotThrowAnyException();
    }
}
