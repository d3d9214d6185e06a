package org.lemstriage.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code lemstriage.notifier.*}, checked when the notifier starts: a value of the wrong type, or an unknown
 * {@code lemstriage.notifier.} property, stops it with a message naming the property.
 */
@ConfigMapping(prefix = "lemstriage.notifier")
public interface NotifierConfig {

    /** {@code Task.owner}: the oncology worklist (a reference to an Organization, Group or PractitionerRole). */
    @WithDefault("Organization/oncology-screening-worklist")
    String worklist();

    /**
     * How often the notifier asks the EHR for its CapabilityStatement while nothing else would show an outage: a
     * change either way is logged (WARN when it stops answering, INFO when it answers again), with or without traffic.
     */
    @WithDefault("15s")
    java.time.Duration ehrWatch();

    /** The patient's reminders of a screening round released or overdue (CommunicationRequests to the portal). */
    PatientReminders patientReminders();

    interface PatientReminders {
        /** Off: no reminder is written, and each one that would have been is named in the decision's AuditEvent. */
        @WithDefault("true")
        boolean enabled();

        /**
         * {@code CommunicationRequest.medium}: the HL7 v3 ParticipationMode code of the EHR portal's messages
         * ({@code ONLINEWRIT} online written; {@code EMAILWRIT}, {@code MAILWRIT}, {@code PHONE}, ...).
         */
        @WithDefault("ONLINEWRIT")
        String medium();

        /**
         * Whom the patient is asked to call, per language ({@code contact.en}, {@code contact.es}); where not set, the
         * text's own words ("the clinic that ordered your blood test").
         */
        java.util.Map<String, String> contact();
    }
}
