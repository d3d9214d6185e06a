package org.lemstriage.notifier.ehr;

import org.lemstriage.model.fhir.EhrIdentifiers;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.notifier.Decisions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EpisodeTransactionTest {
    /** The result the test decisions cite, held by the EHR. */
    private static final Set<String> IN_EHR = Set.of("Observation/obs-1");
    private static FhirValidator validator;
    private final EpisodeTransaction transactions = new EpisodeTransaction(new ScreeningEpisode("Organization/worklist"));

    @BeforeAll
    static void validator() {
        var fhir = Fhir.r4();
        var chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), new CommonCodeSystemsTerminologyService(fhir));
        validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    private static EpisodeTransaction.Current nothing() {
        return new EpisodeTransaction.Current(null, List.of(), IN_EHR);
    }

    @Test
    void openIsAServiceRequestATaskPerRoundAndAProvenanceAllIdempotent() {
        Bundle tx = transactions.build(Decisions.decision("ep-1", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3), nothing()).orElseThrow();
        assertThat(tx.getEntry()).extracting(e -> e.getResource().fhirType())
                .containsExactly("ServiceRequest", "Task", "Task", "Task", "Provenance");
        assertThat(tx.getEntry().subList(0, 4)).allSatisfy(e -> {
            assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
            assertThat(e.getRequest().getIfNoneExist()).startsWith("identifier=https://lemstriage.org/fhir/sid/");
        });
        assertThat(tx.getEntry().get(4).getRequest().getMethod()).as("Provenance by a derived id").isEqualTo(Bundle.HTTPVerb.PUT);
        ServiceRequest sr = (ServiceRequest) tx.getEntry().get(0).getResource();
        assertThat(sr.getCode().getCoding()).extracting(c -> c.getCode()).containsExactly("24627-2", "169069000");
        Task first = (Task) tx.getEntry().get(1).getResource();
        Task second = (Task) tx.getEntry().get(2).getResource();
        assertThat(first.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(second.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(first.getFocus().getReference()).isEqualTo(tx.getEntry().get(0).getFullUrl());
        assertThat(first.getGroupIdentifier().getValue()).isEqualTo("ep-1");
        assertThat(first.getOwner().getReference()).isEqualTo("Organization/worklist");
        assertThat(first.getReasonReference().getReference()).isEqualTo("Observation/obs-1");
        assertThat(first.getDescription()).contains("P/Q-type VGCC antibody positive");
        Provenance provenance = (Provenance) tx.getEntry().get(4).getResource();
        assertThat(provenance.getTarget()).hasSize(4);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("ep-1/1");
        // The same decision builds the same transaction
        Bundle again = transactions.build(Decisions.decision("ep-1", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3), nothing()).orElseThrow();
        assertThat(Fhir.r4().newJsonParser().encodeResourceToString(again)).isEqualTo(Fhir.r4().newJsonParser().encodeResourceToString(tx));
    }

    @Test
    void aClinicianReviewEpisodeProposesTheCtAndWritesOneReviewTaskWithoutRounds() {
        // Ruleset 2.0: an old positive result opens no rounds, one review Task
        TriageDecision open = Decisions.review("ep-r", 1, "Patient/p1", Action.OPEN);
        Bundle tx = transactions.build(open, nothing()).orElseThrow();
        assertThat(tx.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("ServiceRequest", "Task", "Provenance");
        ServiceRequest sr = (ServiceRequest) tx.getEntry().get(0).getResource();
        assertThat(sr.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        assertThat(sr.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.DRAFT);
        Task review = (Task) tx.getEntry().get(1).getResource();
        assertThat(review.getIdentifierFirstRep().getSystem()).isEqualTo(EhrIdentifiers.REVIEW);
        assertThat(review.getCode().getCodingFirstRep().getCode()).isEqualTo("clinician-review");
        assertThat(review.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(review.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
        assertThat(review.hasRestriction()).as("no due window").isFalse();
        assertThat(tx.getEntry().get(1).getRequest().getIfNoneExist()).isEqualTo("identifier=" + EhrIdentifiers.REVIEW + "|ep-r/review");
        tx.getEntry().forEach(e -> assertThat(errors(e.getResource())).as(e.getResource().fhirType()).isEmpty());

        EpisodeTransaction.Current written = stored(tx);
        assertThat(transactions.differences(open, written)).isEmpty();
        assertThat(transactions.build(open, written)).as("already applied").isEmpty();
        TriageDecision retract = Decisions.review("ep-r", 2, "Patient/p1", Action.RETRACT);
        assertThat(transactions.differences(retract, written)).contains("review Task still open");
        Bundle withdraw = transactions.build(retract, written).orElseThrow();
        assertThat(withdraw.getEntry()).filteredOn(e -> e.getResource() instanceof Task)
                .singleElement().satisfies(e -> assertThat(((Task) e.getResource()).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED));
    }

    @Test
    void theClinicianWhoAskedForTheResultIsSentOneNoticeWhenTheEpisodeOpens() {
        // Ruleset 2.0: a Communication to the orderer the EHR knows, with the worklist's explanation
        TriageDecision open = Decisions.decision("ep-n", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        Bundle tx = transactions.build(open, new EpisodeTransaction.Current(null, List.of(), IN_EHR,
                List.of("Practitioner/dr-1"))).orElseThrow();
        var entry = tx.getEntry().stream().filter(e -> e.getResource() instanceof Communication).findFirst().orElseThrow();
        assertThat(entry.getRequest().getIfNoneExist()).isEqualTo("identifier=" + EhrIdentifiers.NOTICE + "|ep-n/notice/Practitioner/dr-1");
        Communication notice = (Communication) entry.getResource();
        assertThat(notice.getRecipientFirstRep().getReference()).isEqualTo("Practitioner/dr-1");
        assertThat(notice.getAboutFirstRep().getReference()).isEqualTo(tx.getEntry().get(0).getFullUrl());
        assertThat(notice.getPayloadFirstRep().getContentStringType().getValue()).contains("For a result you ordered",
                "P/Q-type VGCC antibody positive");
        assertThat(notice.getPriority()).isEqualTo(Communication.CommunicationPriority.URGENT);
        assertThat(errors(notice)).isEmpty();
        // Nobody to tell, or not an opening: no notice
        assertThat(transactions.build(open, nothing()).orElseThrow().getEntry()).noneMatch(e -> e.getResource() instanceof Communication);
    }

    @Test
    void everythingWrittenValidatesAgainstFhirR4() {
        TriageDecision high = Decisions.decision("ep-2", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 5);
        Bundle tx = transactions.build(high, nothing()).orElseThrow();
        List<SingleValidationMessage> errors = new ArrayList<>();
        errors.addAll(errors(tx));
        for (var entry : tx.getEntry()) {
            errors.addAll(errors(entry.getResource()));
        }
        assertThat(errors).as("validation errors").isEmpty();
        assertThat(((Task) tx.getEntry().get(1).getResource()).getPriority()).isEqualTo(Task.TaskPriority.URGENT);
    }

    @Test
    void theValidatorDoesCatchAnInvalidTask() {
        assertThat(errors(new Task())).as("status and intent are required").isNotEmpty();
    }

    @Test
    void updateChangesOpenTasksInPlaceLeavesTakenUpOnesAndCancelsDroppedRounds() {
        EpisodeTransaction.Current current = stored(transactions.build(
                Decisions.decision("ep-3", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3), nothing()).orElseThrow());
        current.tasks().get(1).setStatus(Task.TaskStatus.INPROGRESS); // round 2 taken up by the oncology team
        Bundle update = transactions.build(Decisions.decision("ep-3", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2), current).orElseThrow();
        assertThat(update.getEntry()).allSatisfy(e -> assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT));
        assertThat(update.getEntry()).extracting(e -> e.getRequest().getUrl())
                .containsExactly("ServiceRequest/sr", "Task/t1", "Task/t3", "Provenance/" + update.getEntry().get(3).getResource().getIdElement().getIdPart());
        assertThat(update.getEntry().subList(0, 3)).allSatisfy(e -> assertThat(e.getRequest().getIfMatch()).isEqualTo("W/\"1\""));
        Task round1 = (Task) update.getEntry().get(1).getResource();
        assertThat(round1.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(round1.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        Task round3 = (Task) update.getEntry().get(2).getResource();
        assertThat(round3.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(round3.getStatusReason().getText()).contains("No longer in the screening plan");
    }

    @Test
    void aDecisionNoNewerThanTheEpisodeWritesNothing() {
        EpisodeTransaction.Current current = stored(transactions.build(
                Decisions.decision("ep-4", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2),
                stored(transactions.build(Decisions.decision("ep-4", 1, "Patient/p1", Action.OPEN, Tier.LOW, 2), nothing()).orElseThrow()))
                .orElseThrow());
        assertThat(transactions.build(Decisions.decision("ep-4", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2), current)).isEmpty();
        assertThat(transactions.build(Decisions.decision("ep-4", 1, "Patient/p1", Action.OPEN, Tier.LOW, 2), current)).isEmpty();
    }

    @Test
    void retractCancelsEveryOpenTaskAndRevokesTheRequest() {
        EpisodeTransaction.Current current = stored(transactions.build(
                Decisions.decision("ep-5", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2), nothing()).orElseThrow());
        Bundle retract = transactions.build(Decisions.decision("ep-5", 2, "Patient/p1", Action.RETRACT, Tier.NONE, 0), current).orElseThrow();
        assertThat(((ServiceRequest) retract.getEntry().get(0).getResource()).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        assertThat(retract.getEntry().subList(1, 3)).allSatisfy(e ->
                assertThat(((Task) e.getResource()).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED));
    }

    @Test
    void theEpisodeAsWrittenHasNoDifferencesAndAStaleOrUnwrittenOneNamesThem() {
        TriageDecision open = Decisions.decision("ep-6", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2);
        assertThat(transactions.differences(open, nothing())).containsExactly("no ServiceRequest for the episode");
        EpisodeTransaction.Current written = stored(transactions.build(open, nothing()).orElseThrow());
        assertThat(transactions.differences(open, written)).isEmpty();

        TriageDecision high = Decisions.decision("ep-6", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 3);
        assertThat(transactions.differences(high, written)).containsExactly("ServiceRequest holds decision version 1, not 2",
                "round 1 not as decided", "round 2 not as decided", "round 3 missing");
        TriageDecision retract = Decisions.decision("ep-6", 2, "Patient/p1", Action.RETRACT, Tier.NONE, 0);
        assertThat(transactions.differences(retract, written)).contains("round 1 still open", "round 2 still open");
        assertThat(transactions.differences(retract, nothing())).as("nothing was ever written").isEmpty();
        TriageDecision older = Decisions.decision("ep-6", 0, "Patient/p1", Action.OPEN, Tier.LOW, 1);
        assertThat(transactions.differences(older, written)).as("a newer decision holds").isEmpty();
    }

    @Test
    void aResultTheEhrDoesNotHoldIsNamedNotReferenced() {
        Bundle tx = transactions.build(Decisions.decision("ep-7", 1, "Patient/p1", Action.OPEN, Tier.LOW, 1),
                new EpisodeTransaction.Current(null, List.of(), Set.of())).orElseThrow();
        Task first = (Task) tx.getEntry().get(1).getResource();
        assertThat(first.getReasonReference().hasReference()).isFalse();
        assertThat(first.getReasonReference().getDisplay()).contains("Observation/obs-1");
        assertThat(((ServiceRequest) tx.getEntry().get(0).getResource()).getReasonReferenceFirstRep().hasReference()).isFalse();
    }

    /** The resources of a transaction as an EHR would hold them after it: ids sr, t1, t2, ...; version 1. */
    private static EpisodeTransaction.Current stored(Bundle tx) {
        ServiceRequest sr = null;
        List<Task> tasks = new ArrayList<>();
        int n = 0;
        for (var entry : tx.getEntry()) {
            var resource = entry.getResource().copy();
            resource.getMeta().setVersionId("1");
            if (resource instanceof ServiceRequest s) {
                s.setId(new IdType("ServiceRequest", entry.getRequest().getMethod() == Bundle.HTTPVerb.PUT
                        ? new IdType(entry.getRequest().getUrl()).getIdPart() : "sr"));
                sr = s;
            } else if (resource instanceof Task t) {
                t.setId(new IdType("Task", "t" + (++n)));
                if (t.getFocus().getReference().startsWith("urn:")) {
                    t.setFocus(new org.hl7.fhir.r4.model.Reference("ServiceRequest/sr"));
                }
                tasks.add(t);
            }
        }
        return new EpisodeTransaction.Current(sr, tasks, IN_EHR);
    }

    private static List<SingleValidationMessage> errors(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return validator.validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
    }
}
