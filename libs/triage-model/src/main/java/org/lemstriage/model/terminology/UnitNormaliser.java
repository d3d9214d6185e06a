package org.lemstriage.model.terminology;

import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.hl7.fhir.r4.model.Quantity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * Converts quantities between UCUM units with the FHIR community's UCUM library (its bundled ucum-essence.xml).
 * Labs report the VGCC antibody in nmol/L (Mayo) or pmol/L (ARUP, Labcorp): every value is normalised before any
 * comparison. Thread-safe once built.
 */
public final class UnitNormaliser {
    private static final String UCUM_SYSTEM = "http://unitsofmeasure.org";
    /**
     * Molar units as labs write them, which UCUM lacks (UCUM has no "M"): UK laboratories report the VGCC antibody in
     * "pM" (e.g. Oxford Immunology's VGCC assay, "pM of bound toxin"). Read as the UCUM units they mean.
     */
    private static final Map<String, String> LAB_SPELLINGS = Map.of("pM", "pmol/L", "nM", "nmol/L");
    private final UcumEssenceService ucum;

    public UnitNormaliser() {
        try (InputStream essence = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
            this.ucum = new UcumEssenceService(essence);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UcumException e) {
            throw new IllegalStateException("UCUM essence unreadable", e);
        }
    }

    /**
     * The quantity's value in {@code targetUnit}.
     *
     * @throws IllegalArgumentException naming the unit when it is missing, not UCUM, or not convertible
     */
    public BigDecimal convert(Quantity quantity, String targetUnit) {
        String unit = unitOf(quantity).map(u -> LAB_SPELLINGS.getOrDefault(u, u))
                .orElseThrow(() -> new IllegalArgumentException("no unit"));
        if (unit.equals(targetUnit)) {
            return quantity.getValue();
        }
        try {
            Decimal converted = ucum.convert(new Decimal(quantity.getValue().toPlainString()), unit, targetUnit);
            return new BigDecimal(converted.asDecimal()).stripTrailingZeros();
        } catch (UcumException | RuntimeException e) {
            throw new IllegalArgumentException("unit '" + unit + "' cannot be converted to " + targetUnit);
        }
    }

    /** The UCUM code of a quantity: its code when the system is UCUM (or absent), else its human-readable unit. */
    static Optional<String> unitOf(Quantity quantity) {
        if (quantity.hasCode() && (!quantity.hasSystem() || UCUM_SYSTEM.equals(quantity.getSystem()))) {
            return Optional.of(quantity.getCode());
        }
        return quantity.hasUnit() ? Optional.of(quantity.getUnit()) : Optional.empty();
    }
}
