package org.lemstriage.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class CutDefinitionsTest {
    private static final FhirContext FHIR = FhirContext.forR4();

    @Test
    void theCutInTheRepositoryIsWhatTheWriterCutsFromHapisR4Definitions() throws IOException {
        CutDefinitionsWriter.Cut cut = CutDefinitionsWriter.cut(FHIR);
        assertThat(read(CutR4Definitions.BUNDLE, true))
                .as("src/main/resources%s is stale: run CutDefinitionsWriter's main in services/ingest", CutR4Definitions.BUNDLE)
                .isEqualTo(cut.bundleJson());
        assertThat(read(CutR4Definitions.CANONICALS, false)).isEqualTo(cut.canonicals());
    }

    @Test
    void theCutTellsPrimitiveTypesApartAsTheFullDefinitionsDo() {
        // the validator's isPrimitiveType reads every structure definition the chain holds
        List<String> full = primitiveTypes(new DefaultProfileValidationSupport(FHIR).fetchAllStructureDefinitions());
        assertThat(full).hasSizeGreaterThan(15);
        assertThat(primitiveTypes(new CutR4Definitions(FHIR).fetchAllStructureDefinitions())).containsExactlyInAnyOrderElementsOf(full);
    }

    @Test
    void whatTheCutLacksIsAMissOnlyWhereTheFullDefinitionsHoldIt() {
        CutR4Definitions cut = new CutR4Definitions(FHIR);
        try (CutR4Definitions.Watch watch = CutR4Definitions.watch()) {
            assertThat(cut.fetchStructureDefinition("http://hl7.org/fhir/StructureDefinition/Observation")).isNotNull();
            assertThat(cut.fetchValueSet("http://hl7.org/fhir/ValueSet/observation-status|4.0.1")).isNotNull();
            assertThat(cut.fetchCodeSystem("http://example.org/not-a-definition")).isNull();
            assertThat(watch.missed()).isFalse();
            assertThat(cut.fetchStructureDefinition("Basic")).isNull();
            assertThat(watch.firstMiss()).isEqualTo("http://hl7.org/fhir/StructureDefinition/Basic");
        }
        try (CutR4Definitions.Watch watch = CutR4Definitions.watch()) {
            assertThat(cut.fetchCodeSystem("http://terminology.hl7.org/CodeSystem/missingtoothreason")).isNull();
            assertThat(watch.firstMiss()).isEqualTo("http://terminology.hl7.org/CodeSystem/missingtoothreason");
        }
    }

    @Test
    void everyStructureDefinitionAndHapisOwnCodeSystemTheFullDefinitionsServeIsHeldOrAMiss() {
        CutR4Definitions cut = new CutR4Definitions(FHIR);
        List<IBaseResource> full = new DefaultProfileValidationSupport(FHIR).fetchAllStructureDefinitions();
        assertThat(full).hasSizeGreaterThan(600);
        for (IBaseResource sd : full) {
            String url = ((StructureDefinition) sd).getUrl();
            assertThat(heldOrMissed(() -> cut.fetchStructureDefinition(url))).as(url).isTrue();
            assertThat(heldOrMissed(() -> cut.fetchStructureDefinition(url + "|4.0.1"))).as(url + "|4.0.1").isTrue();
        }
        assertThat(heldOrMissed(() -> cut.fetchCodeSystem("https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code"))).isTrue();
    }

    private static boolean heldOrMissed(Supplier<IBaseResource> fetch) {
        try (CutR4Definitions.Watch watch = CutR4Definitions.watch()) {
            return fetch.get() != null || watch.missed();
        }
    }

    private static List<String> primitiveTypes(List<IBaseResource> definitions) {
        return definitions.stream().map(StructureDefinition.class::cast)
                .filter(sd -> sd.getKind() == StructureDefinition.StructureDefinitionKind.PRIMITIVETYPE).map(StructureDefinition::getName).toList();
    }

    private static String read(String resource, boolean gzipped) throws IOException {
        try (InputStream in = gzipped ? new GZIPInputStream(CutR4Definitions.class.getResourceAsStream(resource))
                : CutR4Definitions.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
