package org.lemstriage.ingest;

/** FHIR JSON of test Observations. */
public final class Samples {
    private Samples() {
    }

    /** A P/Q-type VGCC result in the lab's own unit, for a patient. */
    public static String vgcc(String id, String patient, String system, String code, String value, String unit) {
        return """
                {"resourceType":"Observation","id":"%s","status":"final",
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
                 "code":{"coding":[{"system":"%s","code":"%s"}]},
                 "subject":{"reference":"%s"},
                 "effectiveDateTime":"2026-11-02T09:30:00Z",
                 "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}
                """.formatted(id, system, code, patient, value, unit, unit);
    }

    public static String mayoVgcc(String id, String patient, String nmolPerL) {
        return vgcc(id, patient, "https://www.mayocliniclabs.com/test-catalog", "CCPQ", nmolPerL, "nmol/L");
    }

    /** A Condition recording a LEMS diagnosis (ICD-10-CM G70.80) with the given verification status. */
    public static String lemsDiagnosis(String id, String patient, String verification) {
        return """
                {"resourceType":"Condition","id":"%s",
                 "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                 "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"%s"}]},
                 "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"G70.80","display":"Lambert-Eaton syndrome, unspecified"}]},
                 "subject":{"reference":"%s"},"onsetDateTime":"2026-11-01"}
                """.formatted(id, verification, patient);
    }
}
