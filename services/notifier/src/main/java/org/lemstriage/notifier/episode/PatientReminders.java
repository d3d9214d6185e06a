package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.StringType;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Date;
import java.util.Optional;

/**
 * The patient's reminder of a screening round released or overdue: a CommunicationRequest, not a Communication.
 * lems-triage does not reach the patient itself; it asks the EHR's patient portal (the medium) to send the message,
 * and what the portal sent is its Communication, based on this request. One per round and event (and per reopening:
 * {@link EpisodeEvent#reopenedBy}), in the patient's language where there is a text for it ({@link ReminderTexts});
 * none while the plan is held for a clinician's decision, none to a patient who declined reminders or is recorded as
 * deceased or not active. Those not yet sent are revoked when the episode ends or is withdrawn ({@link #revoked}).
 *
 * @param medium HL7 v3 ParticipationMode code of the portal's messages ({@code ONLINEWRIT}: online written)
 */
public record PatientReminders(boolean enabled, String medium, ReminderTexts texts) {
    private static final String PARTICIPATION_MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode";

    /** Why this decision reminds the patient of nothing, in ids and words without patient data; empty when it may. */
    public Optional<String> withheld(Decided decided) {
        TriageDecision decision = decided.decision();
        if (!enabled) {
            return Optional.of("patient reminders are off (lemstriage.notifier.patient-reminders.enabled)");
        }
        if (decision.hold() != null) {
            return Optional.of("the plan is held for a clinician's decision (" + decision.hold() + ")");
        }
        if (decision.closure() != null || decision.action() == TriageDecision.Action.RETRACT) {
            return Optional.of("the episode is closed or withdrawn");
        }
        PatientContact patient = decided.held().patient();
        if (!patient.reachable()) {
            return Optional.of("the patient is recorded as deceased or not active");
        }
        return patient.optedOutBy() == null ? Optional.empty() : Optional.of("the patient declined reminders (" + patient.optedOutBy() + ")");
    }

    /** Whether the decision ends or withdraws the episode: its reminders not sent yet are revoked then. */
    public static boolean ends(TriageDecision decision) {
        return decision.action() == TriageDecision.Action.CLOSE || decision.action() == TriageDecision.Action.RETRACT;
    }

    /**
     * One of lems-triage's reminders the portal has not sent yet (active), revoked with lems-triage's reason: the
     * episode it reminds of ended or was withdrawn.
     */
    public static Optional<CommunicationRequest> revoked(CommunicationRequest held) {
        boolean ours = held.getIdentifier().stream().anyMatch(i -> EhrIdentifiers.PATIENT_REMINDER.equals(i.getSystem()));
        if (!ours || held.getStatus() != CommunicationRequest.CommunicationRequestStatus.ACTIVE) {
            return Optional.empty();
        }
        CommunicationRequest revoked = held.copy().setStatus(CommunicationRequest.CommunicationRequestStatus.REVOKED);
        revoked.setStatusReason(new CodeableConcept(new Coding(EhrIdentifiers.TASK_CODE_SYSTEM,
                EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE, "Withdrawn by lems-triage")).setText("The screening episode ended or was withdrawn"));
        return Optional.of(revoked);
    }

    public String identifier(Decided decided, EpisodeEvent event) {
        return EhrIdentifiers.reminder(decided.episodeId(), event.round().round(), event.roundEvent());
    }

    public CommunicationRequest create(Decided decided, EpisodeEvent event) {
        TriageDecision decision = decided.decision();
        String language = ReminderTexts.languageFor(decided.held().patient().languages());
        boolean overdue = event.kind() == EpisodeEvent.Kind.ROUND_OVERDUE;
        CommunicationRequest reminder = new CommunicationRequest();
        reminder.setLanguage(language);
        reminder.addIdentifier(new Identifier().setSystem(EhrIdentifiers.PATIENT_REMINDER).setValue(identifier(decided, event)));
        reminder.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decided.episodeId()));
        reminder.addBasedOn(decided.episodeRequest());
        reminder.setStatus(CommunicationRequest.CommunicationRequestStatus.ACTIVE);
        reminder.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/communication-category",
                "reminder", "Reminder")));
        reminder.setPriority(overdue ? CommunicationRequest.CommunicationPriority.URGENT : CommunicationRequest.CommunicationPriority.ROUTINE);
        reminder.addMedium(new CodeableConcept(new Coding(PARTICIPATION_MODE, medium, null)));
        reminder.setSubject(decided.patient());
        reminder.addRecipient(decided.patient());
        reminder.addAbout(decided.task(event.task()));
        reminder.setOccurrence(new org.hl7.fhir.r4.model.DateTimeType(Date.from(decision.decidedAt())));
        reminder.setAuthoredOn(Date.from(decision.decidedAt()));
        reminder.setRequester(Decided.lemsTriage());
        reminder.addPayload().setContent(new StringType(texts.text(language, overdue ? "overdue" : "released",
                event.round(), decision.plan().size())));
        return reminder;
    }
}
