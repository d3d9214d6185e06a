package org.lemstriage.model.event;

/**
 * Something a decision asks of a clinician, written to the EHR as one Task of the episode. Those of a
 * kind that {@link #asksForAnswer() asks for an answer} are closed by completing the Task with a coded answer:
 * {@code Task.output.type} {@value #ANSWER_TYPE}, {@code Task.output.valueCodeableConcept} SNOMED CT 373066001
 * |Yes| or 373067005 |No|.
 *
 * @param id    stable within the episode, e.g. {@code tumour-fit/Condition/12}: the Task's business identifier
 *              derives from it, so a resent decision addresses the same Task
 * @param kind  what is asked
 * @param about the resource the question is about (a Condition, an Observation), or null
 * @param text  the question in words, naming the rule that asks it
 * @param owner who the Task is for when not the oncology worklist (the clinician who ordered a test to repeat), or null
 */
public record ClinicianRequest(String id, Kind kind, String about, String text, String owner) {
    /** Task.output.type of a clinician's answer (system|code). */
    public static final String ANSWER_TYPE = "https://lemstriage.org/fhir/CodeSystem/task-code|clinician-answer";
    /** SNOMED CT 373066001 |Yes (qualifier value)|. */
    public static final String YES = "http://snomed.info/sct|373066001";
    /** SNOMED CT 373067005 |No (qualifier value)|. */
    public static final String NO = "http://snomed.info/sct|373067005";

    public enum Kind {
        /** A confirmed malignancy that may not explain LEMS: does it? Yes ends the surveillance. */
        TUMOUR_FIT("tumour-fit-review", "Does this cancer explain the LEMS?", true),
        /** DELTA-P items unknown that could make the tier HIGH: please record them. */
        MISSING_DELTA_P("record-delta-p-items", "Record the missing DELTA-P items", false),
        /** A low-titre P/Q-type result without a LEMS diagnosis: confirm LEMS before imaging. Yes starts screening. */
        CONFIRM_LOW_TITRE("confirm-lems-low-titre", "Confirm LEMS before tumour screening (low-titre antibody)", true),
        /** A child or a pregnancy: imaging is held until a clinician decides. Yes releases it, No ends it. */
        IMAGING_DECISION("imaging-decision", "Decide on tumour-screening imaging (held)", true),
        /** An equivocal or indeterminate result: repeat or confirm the test. */
        REPEAT_TEST("repeat-antibody-test", "Repeat or confirm an equivocal antibody test", false),
        /** A new positive result after the surveillance closed. */
        RESULT_AFTER_CLOSING("result-after-closing", "New antibody result after the surveillance closed", false),
        /** The tumour that closed the surveillance was withdrawn: the surveillance reopened. */
        SURVEILLANCE_REOPENED("surveillance-reopened", "Surveillance reopened: the tumour record was withdrawn", false);

        private final String code;
        private final String display;
        private final boolean answer;

        Kind(String code, String display, boolean answer) {
            this.code = code;
            this.display = display;
            this.answer = answer;
        }

        /** The Task's code in {@link org.lemstriage.model.fhir.EhrIdentifiers#TASK_CODE_SYSTEM}. */
        public String code() {
            return code;
        }

        public String display() {
            return display;
        }
    }

    public boolean asksForAnswer() {
        return kind.answer;
    }
}
