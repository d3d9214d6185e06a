package org.lemstriage.model;

import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitNormaliserTest {
    private final UnitNormaliser normaliser = new UnitNormaliser();

    private static Quantity ucum(String value, String code) {
        return new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode(code);
    }

    @Test
    void mayoUpperNormalInPicomolesEqualsNanomoles() {
        // Mayo's P/Q-type upper normal (docs/clinical-ruleset-3.md): 0.02 nmol/L = 20 pmol/L
        assertThat(normaliser.convert(ucum("20", "pmol/L"), "nmol/L")).isEqualByComparingTo("0.02");
    }

    @Test
    void arupPositiveCutoffConverts() {
        assertThat(normaliser.convert(ucum("45.7", "pmol/L"), "nmol/L")).isEqualByComparingTo("0.0457");
    }

    @Test
    void sameUnitIsUnchanged() {
        assertThat(normaliser.convert(ucum("1.25", "nmol/L"), "nmol/L")).isEqualByComparingTo("1.25");
    }

    @Test
    void unitTextIsUsedWhenNoUcumCode() {
        Quantity q = new Quantity().setValue(new BigDecimal("100")).setUnit("pmol/L");
        assertThat(normaliser.convert(q, "nmol/L")).isEqualByComparingTo("0.1");
    }

    @Test
    void picomolarAsUkLabsWriteItIsPicomolesPerLitre() {
        // "pM" is not UCUM (UCUM has no "M"), but it is what UK labs write
        assertThat(normaliser.convert(new Quantity().setValue(new BigDecimal("60")).setUnit("pM"), "nmol/L"))
                .isEqualByComparingTo("0.06");
        assertThat(normaliser.convert(ucum("60", "pM"), "nmol/L")).isEqualByComparingTo("0.06");
    }

    @Test
    void incompatibleUnitIsRejectedWithItsName() {
        assertThatThrownBy(() -> normaliser.convert(ucum("5", "mg/dL"), "nmol/L"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mg/dL");
    }
}
