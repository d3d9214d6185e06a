package org.lemstriage.ingest.validation;

import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.model.fhir.Fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    /** The regex extension, where the validator lets it be used only on definitions: on a result, out of its context. */
    private static String withRegexExtension(String id) {
        return parse(Samples.mayoVgcc(id, "Patient/v", "0.45").replace("\"status\":\"final\",",
                "\"status\":\"final\",\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/regex\",\"valueString\":\".*\"}],"));
    }

    @Test
    void anExtensionWhoseContextsTheValidatorAmendsGetsTheSameAnswerTheHundredthTime() {
        TrackedResultValidator validator = new TrackedResultValidator(true, 1);
        String observation = withRegexExtension("v-4");
        List<String> first = said(validator.messages(observation));
        assertThat(first).anySatisfy(m -> assertThat(m).contains("regex").contains("not allowed"));
        for (int i = 0; i < 100; i++) {
            assertThat(said(validator.messages(observation))).as("validation %d", i + 2).isEqualTo(first);
        }
    }

    @Test
    void validatorsSharingTheDefinitionsAnswerSuchExtensionsSideBySide() throws Exception {
        TrackedResultValidator validator = new TrackedResultValidator(true, 2);
        String observation = withRegexExtension("v-5");
        List<String> first = said(validator.messages(observation));
        var threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                answers.add(threads.submit(() -> said(validator.messages(observation))));
            }
            for (Future<List<String>> answer : answers) {
                assertThat(answer.get()).isEqualTo(first);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aResultNestedAsDeepAsIngestReadsIsValidatedOnAWorkerThreadsStack() throws Exception {
        // Extensions in extensions: two JSON levels each, to the 64 levels ingest reads (IngestConfig.maxDepth)
        StringBuilder nested = new StringBuilder("{\"url\":\"http://example.org/leaf\",\"valueString\":\"x\"}");
        int depth = 3; // the Observation, its extension array, the leaf
        while (depth + 2 <= 64) {
            nested.insert(0, "{\"url\":\"http://example.org/level\",\"extension\":[").append("]}");
            depth += 2;
        }
        String observation = parse(Samples.mayoVgcc("v-6", "Patient/v", "0.45").replace("\"status\":\"final\",",
                "\"status\":\"final\",\"extension\":[" + nested + "],"));
        TrackedResultValidator validator = new TrackedResultValidator(true, 1);
        var answer = new java.util.concurrent.CompletableFuture<List<ValidationMessage>>();
        // 1 MiB: the JVM's default thread stack here, as Quarkus' worker threads have
        Thread worker = new Thread(null, () -> {
            try {
                answer.complete(validator.messages(observation));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        }, "worker", 1024 * 1024);
        worker.start();
        assertThat(answer.get()).noneMatch(m -> m.getLevel() == ValidationMessage.IssueSeverity.FATAL);
    }

    private static List<String> said(List<ValidationMessage> messages) {
        return messages.stream().map(m -> m.getLevel() + " " + m.getLocation() + " " + m.getMessage()).toList();
    }

    @Test
    void switchedOffItValidatesNothing() {
        String invalid = parse(Samples.mayoVgcc("v-3", "Patient/v", "0.45")
                .replace("\"status\":\"final\",", "\"status\":\"final\",\"dataAbsentReason\":{\"text\":\"not done\"},"));
        assertThatCode(() -> new TrackedResultValidator(false, 1).validate(invalid)).doesNotThrowAnyException();
    }
}
