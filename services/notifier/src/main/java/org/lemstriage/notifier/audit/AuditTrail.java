package org.lemstriage.notifier.audit;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.notifier.ehr.EpisodeWriter;


/**
 * One FHIR AuditEvent on triage.audit.v1 per write to the EHR, and per decision parked: what was written, for which
 * decision and patient (ids only, no clinical values), and how it ended. Sent before the decision is acknowledged,
 * so an acknowledged decision always has its audit record.
 */
@ApplicationScoped
public class AuditTrail {
    public static final String CHANNEL = "audit-events";

    private final MutinyEmitter<String> emitter;

    public AuditTrail(@Channel(CHANNEL) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** What was written; each message to a person that was not, with why (ids and reasons only). */
    public void written(TriageDecision decision, EpisodeWriter.Written written) {
        AuditEvent event = event(decision, AuditEvent.AuditEventOutcome._0, null);
        for (var entry : written.response().getEntry()) {
            event.addEntity().setWhat(new Reference(entry.getResponse().getLocation()))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        }
        written.withheld().forEach(withheld -> event.addEntity().setName("not written").setDescription(withheld));
        send(decision, event);
    }

    public void parked(TriageDecision decision, String reason) {
        send(decision, event(decision, AuditEvent.AuditEventOutcome._8, reason));
    }

    private AuditEvent event(TriageDecision decision, AuditEvent.AuditEventOutcome outcome, String reason) {
        AuditEvent event = AuditEvents.rest("transaction", decision.action() == TriageDecision.Action.OPEN
                ? AuditEvent.AuditEventAction.C : AuditEvent.AuditEventAction.U, outcome, reason, "notifier", true);
        event.addEntity().setWhat(PatientKey.toReference(decision.patientKey()))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"));
        event.addEntity().setName("decision " + decision.decisionId())
                .setWhat(new Reference().setIdentifier(new Identifier()
                        .setSystem(EhrIdentifiers.DECISION).setValue(decision.decisionId())))
                .setDescription(decision.action() + " " + decision.tier() + ", ruleset " + decision.rulesetVersion());
        return event;
    }

    private void send(TriageDecision decision, AuditEvent event) {
        String json = Fhir.r4().newJsonParser().encodeResourceToString(event);
        emitter.sendMessageAndAwait(Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(decision.patientKey()).build()));
    }
}
