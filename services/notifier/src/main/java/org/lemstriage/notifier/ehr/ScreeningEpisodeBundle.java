package org.lemstriage.notifier.ehr;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One screening episode as a transaction Bundle of conditional creates: a ServiceRequest for CT thorax and a Task
 * per screening round, sharing Task.groupIdentifier (DESIGN.md, "Write-back to the EHR").
 */
@ApplicationScoped
public class ScreeningEpisodeBundle {
    /** A FHIR id: only such references are written as literal references. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final Reference worklist;

    public ScreeningEpisodeBundle(
            @ConfigProperty(name = "lemstriage.notifier.worklist", defaultValue = "Organization/oncology-screening-worklist")
            String worklist) {
        this.worklist = new Reference(worklist);
    }

    public Bundle build(TriageDecision decision) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String srUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(("sr|" + decision.episodeId()).getBytes());
        bundle.addEntry().setFullUrl(srUrl).setResource(serviceRequest(decision)).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest")
                .setIfNoneExist("identifier=" + EhrIdentifiers.EPISODE + "|" + decision.episodeId());
        for (ScreeningRound round : decision.plan()) {
            String roundId = EhrIdentifiers.round(decision.episodeId(), round.round());
            bundle.addEntry().setFullUrl("urn:uuid:" + UUID.nameUUIDFromBytes(("task|" + roundId).getBytes()))
                    .setResource(task(decision, round, srUrl)).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Task")
                    .setIfNoneExist("identifier=" + EhrIdentifiers.ROUND + "|" + roundId);
        }
        return bundle;
    }

    private ServiceRequest serviceRequest(TriageDecision decision) {
        ServiceRequest sr = new ServiceRequest();
        sr.addIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decision.episodeId()));
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setPriority(decision.tier() == TriageDecision.Tier.HIGH
                ? ServiceRequest.ServiceRequestPriority.URGENT : ServiceRequest.ServiceRequestPriority.ROUTINE);
        sr.setCode(new CodeableConcept()
                .addCoding(new Coding("http://loinc.org", "24627-2", "CT Chest"))
                .addCoding(new Coding("http://snomed.info/sct", "169069000", "Computed tomography of chest"))
                .setText("CT thorax; FDG-PET if the CT is negative"));
        sr.setSubject(PatientKey.toReference(decision.patientKey()));
        sr.setReasonReference(observations(decision));
        sr.addNote(new Annotation().setText(decision.explanation()));
        return sr;
    }

    private Task task(TriageDecision decision, ScreeningRound round, String serviceRequestUrl) {
        Task task = new Task();
        task.addIdentifier(new Identifier().setSystem(EhrIdentifiers.ROUND)
                .setValue(EhrIdentifiers.round(decision.episodeId(), round.round())));
        task.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decision.episodeId()));
        // Later rounds wait on hold until their window opens
        task.setStatus(round.round() == 1 ? Task.TaskStatus.REQUESTED : Task.TaskStatus.ONHOLD);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(decision.tier() == TriageDecision.Tier.HIGH ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
        task.setCode(new CodeableConcept().addCoding(
                new Coding(EhrIdentifiers.TASK_CODE_SYSTEM, "oncology-screening", "Oncology screening")).setText("Oncology screening"));
        task.setFor(PatientKey.toReference(decision.patientKey()));
        task.setFocus(new Reference(serviceRequestUrl));
        List<Reference> observations = observations(decision);
        if (!observations.isEmpty()) {
            // R4 Task.reasonReference is 0..1: the first result here, all of them on the ServiceRequest
            task.setReasonReference(observations.get(0));
        }
        task.setAuthoredOn(Date.from(decision.decidedAt()));
        task.setOwner(worklist);
        task.setDescription("Screening round " + round.round() + " of " + decision.plan().size() + ": "
                + round.procedure() + ". " + decision.explanation());
        task.getRestriction().setPeriod(new Period()
                .setStart(Date.from(round.dueFrom().atStartOfDay(ZoneOffset.UTC).toInstant()))
                .setEnd(Date.from(round.dueTo().atStartOfDay(ZoneOffset.UTC).toInstant())));
        return task;
    }

    private static List<Reference> observations(TriageDecision decision) {
        return decision.evidence().stream().map(TriageDecision.Evidence::observationReference).distinct()
                .map(ref -> FHIR_ID.matcher(ref.substring("Observation/".length())).matches() ? new Reference(ref)
                        // An id the sender made up (identifier or digest) is no FHIR id: say what it is instead
                        : new Reference().setType("Observation").setDisplay("Antibody result " + ref))
                .toList();
    }
}
