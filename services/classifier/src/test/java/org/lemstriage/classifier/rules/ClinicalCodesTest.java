package org.lemstriage.classifier.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The code lists are data a deployer may replace: the shipped file has every list, a file lacking one is refused. */
class ClinicalCodesTest {

    @Test
    void theShippedListsAreComplete() {
        ClinicalCodes codes = ClinicalCodes.load(Optional.empty());
        assertThat(codes.lemsTumour().matches(List.of("http://snomed.info/sct|254632001"))).isTrue();
        assertThat(codes.notEndingSurveillance().matches(List.of("http://hl7.org/fhir/sid/icd-10-cm|C44.91"))).isTrue();
        assertThat(codes.malignancy().matches(List.of("http://hl7.org/fhir/sid/icd-10-cm|D15.0"))).as("benign").isFalse();
    }

    @Test
    void aFileOfRuleset2WithoutTheNewListsIsRefusedNamingThem(@TempDir Path dir) throws Exception {
        Path old = Files.writeString(dir.resolve("delta-p-codes.json"), """
                {"smokingCurrent": {"codes": ["http://snomed.info/sct|449868002"]},
                 "smokingNotCurrent": {"codes": []}, "bulbar": {"codes": []}, "erectileDysfunction": {"codes": []},
                 "lungCancer": {"codes": []}, "malignancy": {"prefixes": ["http://hl7.org/fhir/sid/icd-10-cm|C"]}}
                """);
        assertThatThrownBy(() -> ClinicalCodes.load(Optional.of(old))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smokingUnknown").hasMessageContaining("lemsTumour").hasMessageContaining("pregnancy");
    }
}
