package org.lemstriage.model.fhir;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.util.Date;
import java.util.UUID;

/** The common part of every AuditEvent lems-triage writes to triage.audit.v1: a RESTful operation by one of its services. */
public final class AuditEvents {
    public static final String SOFTWARE_SYSTEM = "https://lemstriage.org/fhir/sid/software";

    private AuditEvents() {
    }

    /**
     * @param interaction a http://hl7.org/fhir/restful-interaction code (create, update, batch, transaction)
     * @param service     the lems-triage service that acted (ingest, notifier)
     * @param requestor   whether the service started the interaction (the notifier writing to the EHR), rather
     *                    than answering a sender (ingest)
     */
    public static AuditEvent rest(String interaction, AuditEvent.AuditEventAction action,
                                  AuditEvent.AuditEventOutcome outcome, String outcomeDescription, String service,
                                  boolean requestor) {
        AuditEvent event = new AuditEvent();
        // Its own id, made once here: the audit store keys it by this, whatever topic or offset carries it later
        event.setId(UUID.randomUUID().toString());
        event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        event.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", interaction, interaction));
        event.setAction(action);
        event.setRecorded(new Date());
        event.setOutcome(outcome);
        if (outcomeDescription != null) {
            event.setOutcomeDesc(outcomeDescription);
        }
        event.addAgent().setRequestor(requestor)
                .setType(new CodeableConcept(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application")))
                .setWho(new Reference().setDisplay("lems-triage " + service)
                        .setIdentifier(new Identifier().setSystem(SOFTWARE_SYSTEM).setValue("lems-triage-" + service)));
        event.getSource().setObserver(new Reference().setDisplay("lems-triage " + service));
        return event;
    }
}
