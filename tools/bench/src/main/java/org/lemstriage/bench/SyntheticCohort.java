package org.lemstriage.bench;

import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.model.fhir.Fhir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A synthetic cohort, the same for the same seed: routine labs made from a folder of lab Observations (the
 * repository's testing/fixtures/routine-labs, or the US Core examples: their shape, codes and units; new ids,
 * patients, dates and values), and at a given rate, tracked antibody results (Mayo P/Q-type VGCC, nmol/L; positive
 * above 0.02, docs/clinical-ruleset-3.md), a given share of them positive.
 */
public final class SyntheticCohort {
    /** One result as sent: FHIR JSON, its patient, and whether it is a tracked positive. */
    public record Result(String json, String patient, boolean tracked, boolean positive) {
    }

    private final List<Observation> templates;
    private final int patients;
    private final double trackedRate;
    private final double positiveShare;
    private final Random random;
    private final IParser json = Fhir.r4().newJsonParser();
    private final Instant base = Instant.parse("2026-11-01T08:00:00Z");
    private long next;

    public SyntheticCohort(Path routineLabs, long seed, int patients, double trackedRate, double positiveShare) {
        this.templates = templates(routineLabs);
        this.patients = patients;
        this.trackedRate = trackedRate;
        this.positiveShare = positiveShare;
        this.random = new Random(seed);
    }

    /** The next {@code n} results. */
    public List<Result> next(int n) {
        List<Result> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(random.nextDouble() < trackedRate ? antibody(patient(), random.nextDouble() < positiveShare) : routine());
        }
        return results;
    }

    /** A positive P/Q-type VGCC result for the given patient (the end-to-end probes). */
    public Result positive(String patient) {
        return antibody(patient, true);
    }

    /** {@code n} tracked antibody results, all negative (no screening Tasks follow from them). */
    public List<Result> antibodies(int n) {
        List<Result> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(antibody(patient(), false));
        }
        return results;
    }

    public List<Result> routine(int n) {
        List<Result> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(routine());
        }
        return results;
    }

    private Result routine() {
        Observation o = templates.get(random.nextInt(templates.size())).copy();
        String patient = patient();
        o.setId("bench-" + (next++));
        o.setSubject(new Reference(patient));
        o.setEffective(new DateTimeType(Date.from(base.plus(next % 10_000, ChronoUnit.MINUTES))));
        o.getMeta().setLastUpdatedElement(null);
        if (o.getValue() instanceof Quantity q && q.hasValue()) {
            // Within ±20 % of the example's value, at its precision
            BigDecimal value = q.getValue();
            double factor = 0.8 + 0.4 * random.nextDouble();
            q.setValue(value.multiply(BigDecimal.valueOf(factor)).setScale(Math.max(value.scale(), 0), RoundingMode.HALF_UP));
        }
        return new Result(json.encodeResourceToString(o), patient, false, false);
    }

    private Result antibody(String patient, boolean positive) {
        // Mayo CCPQ, nmol/L; positive above 0.02, negative at or below it
        BigDecimal value = positive ? BigDecimal.valueOf(21 + random.nextInt(200), 3) : BigDecimal.valueOf(random.nextInt(21), 3);
        Observation o = new Observation();
        o.setId("bench-" + (next++));
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("laboratory");
        o.getCode().addCoding().setSystem("https://www.mayocliniclabs.com/test-catalog").setCode("CCPQ")
                .setDisplay("P/Q-Type Calcium Channel Antibody");
        o.setSubject(new Reference(patient));
        o.setEffective(new DateTimeType(Date.from(base.plus(next % 10_000, ChronoUnit.MINUTES))));
        o.setValue(new Quantity().setValue(value).setUnit("nmol/L").setSystem("http://unitsofmeasure.org").setCode("nmol/L"));
        return new Result(json.encodeResourceToString(o), patient, true, positive);
    }

    private String patient() {
        return "Patient/bench-" + random.nextInt(patients);
    }

    private static List<Observation> templates(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            IParser parser = Fhir.r4().newJsonParser();
            List<Observation> found = files.filter(f -> f.getFileName().toString().startsWith("observation-")).sorted()
                    .map(f -> {
                        try {
                            return parser.parseResource(Observation.class, Files.readString(f));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no observation-*.json in " + dir);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("a folder of lab Observations is needed: " + dir, e);
        }
    }
}
