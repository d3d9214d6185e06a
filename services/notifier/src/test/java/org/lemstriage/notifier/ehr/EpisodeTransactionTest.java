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
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.notifier.episode.HeldEpisode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.IN_EHR;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.errors;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.none;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.nothing;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.query;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.stored;

class EpisodeTransactionTest {
    private final EpisodeTransaction transactions = new EpisodeTransaction("Organization/worklist", EpisodeFixtures.REMINDERS);

    @Test
    void openIsAServiceRequestRoundOrdersATaskPerRoundAndAProvenanceAllIdempotent() {
        Bundle tx = transactions.build(Decisions.decision("ep-1", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3), nothing()).orElseThrow();
        assertThat(tx.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactly("ServiceRequest",
                "ServiceRequest", "ServiceRequest", "ServiceRequest", "ServiceRequest", "ServiceRequest", "ServiceRequest",
                "Task", "Task", "Task", "CommunicationRequest", "Provenance");
        assertThat(tx.getEntry().subList(0, 11)).allSatisfy(e -> {
            assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
            assertThat(query(e.getRequest().getIfNoneExist())).startsWith("identifier=https://lemstriage.org/fhir/sid/");
        });
        assertThat(tx.getEntry().get(11).getRequest().getMethod()).as("Provenance by a derived id").isEqualTo(Bundle.HTTPVerb.PUT);
        ServiceRequest sr = (ServiceRequest) tx.getEntry().get(0).getResource();
        assertThat(sr.getCode().getCoding()).extracting(c -> c.getCode()).containsExactly("24627-2", "169069000");
        // Each round's CT thorax and FDG-PET are orders of their own, under the episode's ServiceRequest
        List<ServiceRequest> orders = tx.getEntry().subList(1, 7).stream().map(e -> (ServiceRequest) e.getResource()).toList();
        assertThat(orders).extracting(o -> o.getIdentifierFirstRep().getValue())
                .containsExactly("ep-1/round-1/ct", "ep-1/round-1/pet", "ep-1/round-2/ct", "ep-1/round-2/pet", "ep-1/round-3/ct", "ep-1/round-3/pet");
        assertThat(orders).extracting(ServiceRequest::getStatus).as("round 1's CT released, the rest on hold").containsExactly(
                ServiceRequest.ServiceRequestStatus.ACTIVE, ServiceRequest.ServiceRequestStatus.ONHOLD,
                ServiceRequest.ServiceRequestStatus.ONHOLD, ServiceRequest.ServiceRequestStatus.ONHOLD,
                ServiceRequest.ServiceRequestStatus.ONHOLD, ServiceRequest.ServiceRequestStatus.ONHOLD);
        assertThat(orders).allSatisfy(o -> {
            assertThat(o.getRequisition().getValue()).isEqualTo("ep-1");
            assertThat(o.getBasedOnFirstRep().getReference()).isEqualTo(tx.getEntry().get(0).getFullUrl());
            assertThat(o.getReasonReferenceFirstRep().getReference()).isEqualTo("Observation/obs-1");
        });
        assertThat(orders.get(0).getCode().getCoding()).extracting(c -> c.getCode()).containsExactly("24627-2", "169069000");
        // FDG-PET/CT, SNOMED CT 443271005 and LOINC 81555-5 (not 82918005, PET without tracer or CT)
        assertThat(orders.get(1).getCode().getCoding()).extracting(c -> c.getSystem() + "|" + c.getCode())
                .containsExactly("http://snomed.info/sct|443271005", "http://loinc.org|81555-5");
        assertThat(orders.get(2).getOccurrencePeriod().getStartElement().getValueAsString()).startsWith("2027-05-02");
        Task first = (Task) tx.getEntry().get(7).getResource();
        Task second = (Task) tx.getEntry().get(8).getResource();
        assertThat(first.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(second.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(first.getFocus().getReference()).as("the round's CT order").isEqualTo(tx.getEntry().get(1).getFullUrl());
        assertThat(second.getFocus().getReference()).isEqualTo(tx.getEntry().get(3).getFullUrl());
        assertThat(first.getBasedOnFirstRep().getReference()).isEqualTo(tx.getEntry().get(0).getFullUrl());
        assertThat(first.getGroupIdentifier().getValue()).isEqualTo("ep-1");
        assertThat(first.getOwner().getReference()).isEqualTo("Organization/worklist");
        assertThat(first.getReasonReference().getReference()).isEqualTo("Observation/obs-1");
        assertThat(first.getDescription()).contains("P/Q-type VGCC antibody positive");
        Provenance provenance = (Provenance) tx.getEntry().get(11).getResource();
        assertThat(provenance.getTarget()).hasSize(11);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("ep-1/1");
        // The same decision builds the same transaction
        Bundle again = transactions.build(Decisions.decision("ep-1", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3), nothing()).orElseThrow();
        assertThat(Fhir.r4().newJsonParser().encodeResourceToString(again)).isEqualTo(Fhir.r4().newJsonParser().encodeResourceToString(tx));
    }

    @Test
    void aNegativeCtReleasesThatRoundsPetOnlyAndAnOrderRadiologyFinishedIsLeftAlone() {
        TriageDecision open = Decisions.decision("ep-p", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2);
        HeldEpisode current = stored(transactions.build(open, nothing()).orElseThrow());
        order(current, "ep-p/round-1/ct").setStatus(ServiceRequest.ServiceRequestStatus.COMPLETED); // radiology did the CT
        TriageDecision pet = Decisions.petOrdered(open, 2, 1);
        assertThat(transactions.differences(pet, current)).contains("round 1 PET order not as decided")
                .doesNotContain("round 2 PET order not as decided", "round 1 CT order not as decided");
        Bundle update = transactions.build(pet, current).orElseThrow();
        List<ServiceRequest> changed = update.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof ServiceRequest o && o.getRequisition().hasValue()).map(r -> (ServiceRequest) r).toList();
        assertThat(changed).singleElement().satisfies(o -> {
            assertThat(o.getIdentifierFirstRep().getValue()).isEqualTo("ep-p/round-1/pet");
            assertThat(o.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
            assertThat(o.getNote()).extracting(n -> n.getText()).anySatisfy(n -> assertThat(n).contains("FDG-PET", "CT thorax was negative"));
            assertThat(errors(o)).isEmpty();
        });
        assertThat(transactions.differences(pet, stored(update, current))).isEmpty();
    }

    @Test
    void aTumourRecordedRevokesTheWaitingOrdersAndLeavesThoseOfARoundTheTeamTookUp() {
        TriageDecision open = Decisions.decision("ep-c", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        HeldEpisode current = stored(transactions.build(open, nothing()).orElseThrow());
        current.tasks().get(0).setStatus(Task.TaskStatus.INPROGRESS); // round 1 taken up: its CT is radiology's now
        TriageDecision close = Decisions.closed(open, 2, "Condition/c1");
        Bundle tx = transactions.build(close, current).orElseThrow();
        List<ServiceRequest> revoked = tx.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof ServiceRequest o && o.getRequisition().hasValue()).map(r -> (ServiceRequest) r).toList();
        assertThat(revoked).extracting(o -> o.getIdentifierFirstRep().getValue())
                .containsExactlyInAnyOrder("ep-c/round-1/pet", "ep-c/round-2/ct", "ep-c/round-2/pet");
        assertThat(revoked).allSatisfy(o -> {
            assertThat(o.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
            assertThat(o.getNote()).extracting(n -> n.getText()).anySatisfy(n -> assertThat(n).contains("Screening ended", "ep-c/2"));
        });
        assertThat(transactions.differences(close, current)).contains("round 2 CT order still open").doesNotContain("round 1 CT order still open");
        // RETRACT withdraws an active CT whose round nobody took up
        HeldEpisode fresh = stored(transactions.build(Decisions.decision("ep-d", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 1),
                nothing()).orElseThrow());
        Bundle retract = transactions.build(Decisions.decision("ep-d", 2, "Patient/p1", Action.RETRACT, Tier.NONE, 0), fresh).orElseThrow();
        assertThat(retract.getEntry()).extracting(e -> e.getResource()).filteredOn(r -> r instanceof ServiceRequest o && o.getRequisition().hasValue())
                .extracting(r -> ((ServiceRequest) r).getStatus()).containsOnly(ServiceRequest.ServiceRequestStatus.REVOKED).hasSize(2);
    }

    @Test
    void aClinicianReviewEpisodeProposesTheCtAndWritesOneReviewTaskWithoutRounds() {
        // An old positive result opens no rounds, one review Task
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
        assertThat(query(tx.getEntry().get(1).getRequest().getIfNoneExist())).isEqualTo("identifier=" + EhrIdentifiers.REVIEW + "|ep-r/review");
        tx.getEntry().forEach(e -> assertThat(errors(e.getResource())).as(e.getResource().fhirType()).isEmpty());

        HeldEpisode written = stored(tx);
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
        // A Communication to the orderer the EHR knows, with the worklist's explanation
        TriageDecision open = Decisions.decision("ep-n", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        Bundle tx = transactions.build(open, none(IN_EHR, List.of("Practitioner/dr-1"), Set.of())).orElseThrow();
        var entry = tx.getEntry().stream().filter(e -> e.getResource() instanceof Communication).findFirst().orElseThrow();
        assertThat(query(entry.getRequest().getIfNoneExist())).isEqualTo("identifier=" + EhrIdentifiers.NOTICE + "|ep-n/notice/opened");
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
        assertThat(task(tx, 0).getPriority()).isEqualTo(Task.TaskPriority.URGENT);
    }

    @Test
    void theValidatorDoesCatchAnInvalidTask() {
        assertThat(errors(new Task())).as("status and intent are required").isNotEmpty();
    }

    @Test
    void updateChangesOpenTasksInPlaceLeavesTakenUpOnesAndCancelsDroppedRounds() {
        HeldEpisode current = stored(transactions.build(
                Decisions.decision("ep-3", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3), nothing()).orElseThrow());
        current.tasks().get(1).setStatus(Task.TaskStatus.INPROGRESS); // round 2 taken up by the oncology team
        Bundle update = transactions.build(Decisions.decision("ep-3", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2), current).orElseThrow();
        assertThat(update.getEntry()).allSatisfy(e -> assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT));
        assertThat(update.getEntry()).extracting(e -> e.getRequest().getUrl()).filteredOn(u -> u.startsWith("Task/"))
                .containsExactly("Task/t1", "Task/t3");
        assertThat(update.getEntry()).filteredOn(e -> !(e.getResource() instanceof Provenance))
                .allSatisfy(e -> assertThat(e.getRequest().getIfMatch()).isEqualTo("W/\"1\""));
        Task round1 = (Task) resource(update, "Task/t1");
        assertThat(round1.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(round1.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        Task round3 = (Task) resource(update, "Task/t3");
        assertThat(round3.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(round3.getStatusReason().getText()).contains("No longer in the screening plan");
        // Round 3's orders were on hold: revoked; round 1's CT stays active, now urgent
        assertThat(((ServiceRequest) resource(update, "ServiceRequest/" + order(current, "ep-3/round-3/ct").getIdElement().getIdPart())).getStatus())
                .isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        ServiceRequest ct1 = (ServiceRequest) resource(update, "ServiceRequest/" + order(current, "ep-3/round-1/ct").getIdElement().getIdPart());
        assertThat(ct1.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(ct1.getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.URGENT);
    }

    @Test
    void aRoundTaskFocusesOnItsOwnCtOrderAndIsBasedOnTheEpisode() {
        TriageDecision open = Decisions.decision("ep-f", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2);
        HeldEpisode written = stored(transactions.build(open, nothing()).orElseThrow());
        for (int round = 1; round <= 2; round++) {
            Task task = roundTask(written, round);
            assertThat(task.getFocus().getReference()).isEqualTo("ServiceRequest/" + order(written, "ep-f/round-" + round + "/ct")
                    .getIdElement().getIdPart());
            assertThat(task.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/sr");
        }
        // A round Task whose focus moved elsewhere is pointed back at its CT by the next decision
        roundTask(written, 2).setFocus(new org.hl7.fhir.r4.model.Reference("ServiceRequest/elsewhere"));
        Bundle next = transactions.build(Decisions.progressed(open, 2, TriageDecision.RoundState.DUE,
                TriageDecision.RoundState.DUE), written).orElseThrow();
        Task round2 = (Task) next.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof Task t && t.getIdentifierFirstRep().getValue().endsWith("/round-2")).findFirst().orElseThrow();
        assertThat(round2.getFocus().getReference()).isEqualTo("ServiceRequest/" + order(written, "ep-f/round-2/ct")
                .getIdElement().getIdPart());
    }

    @Test
    void aDecisionNoNewerThanTheEpisodeWritesNothing() {
        HeldEpisode current = stored(transactions.build(
                Decisions.decision("ep-4", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2),
                stored(transactions.build(Decisions.decision("ep-4", 1, "Patient/p1", Action.OPEN, Tier.LOW, 2), nothing()).orElseThrow()))
                .orElseThrow());
        assertThat(transactions.build(Decisions.decision("ep-4", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2), current)).isEmpty();
        assertThat(transactions.build(Decisions.decision("ep-4", 1, "Patient/p1", Action.OPEN, Tier.LOW, 2), current)).isEmpty();
    }

    @Test
    void retractCancelsEveryOpenTaskAndRevokesTheRequest() {
        HeldEpisode current = stored(transactions.build(
                Decisions.decision("ep-5", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2), nothing()).orElseThrow());
        Bundle retract = transactions.build(Decisions.decision("ep-5", 2, "Patient/p1", Action.RETRACT, Tier.NONE, 0), current).orElseThrow();
        assertThat(((ServiceRequest) retract.getEntry().get(0).getResource()).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        assertThat(retract.getEntry()).filteredOn(e -> e.getResource() instanceof Task).hasSize(2).allSatisfy(e ->
                assertThat(((Task) e.getResource()).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED));
    }

    @Test
    void theEpisodeAsWrittenHasNoDifferencesAndAStaleOrUnwrittenOneNamesThem() {
        TriageDecision open = Decisions.decision("ep-6", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2);
        assertThat(transactions.differences(open, nothing())).containsExactly("no ServiceRequest for the episode");
        HeldEpisode written = stored(transactions.build(open, nothing()).orElseThrow());
        assertThat(transactions.differences(open, written)).isEmpty();

        TriageDecision high = Decisions.decision("ep-6", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 3);
        assertThat(transactions.differences(high, written)).containsExactly("ServiceRequest holds decision version 1, not 2",
                "round 1 CT order not as decided", "round 1 PET order not as decided", "round 2 CT order not as decided",
                "round 2 PET order not as decided", "round 3 CT order missing", "round 3 PET order missing",
                "round 1 not as decided", "round 2 not as decided", "round 3 missing");
        TriageDecision retract = Decisions.decision("ep-6", 2, "Patient/p1", Action.RETRACT, Tier.NONE, 0);
        assertThat(transactions.differences(retract, written)).contains("round 1 still open", "round 2 still open",
                "round 1 CT order still open", "round 2 PET order still open");
        assertThat(transactions.differences(retract, nothing())).as("nothing was ever written").isEmpty();
        TriageDecision older = Decisions.decision("ep-6", 0, "Patient/p1", Action.OPEN, Tier.LOW, 1);
        assertThat(transactions.differences(older, written)).as("a newer decision holds").isEmpty();
    }

    @Test
    void aResultTheEhrDoesNotHoldIsNamedNotReferenced() {
        Bundle tx = transactions.build(Decisions.decision("ep-7", 1, "Patient/p1", Action.OPEN, Tier.LOW, 1),
                none(Set.of(), List.of(), Set.of())).orElseThrow();
        Task first = task(tx, 0);
        assertThat(first.getReasonReference().hasReference()).isFalse();
        assertThat(first.getReasonReference().getDisplay()).contains("Observation/obs-1");
        assertThat(((ServiceRequest) tx.getEntry().get(0).getResource()).getReasonReferenceFirstRep().hasReference()).isFalse();
    }

    @Test
    void aPlanHeldForAClinicianIsWrittenOnHoldWithOneDecisionTask() {
        // A child or a pregnancy: every round and order on hold, the episode's request on hold, one Task
        TriageDecision held = Decisions.asking(Decisions.decision("ep-h", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 3), 1,
                Action.OPEN, TriageDecision.Hold.CLINICIAN_DECISION,
                Decisions.request("imaging-decision/child", ClinicianRequest.Kind.IMAGING_DECISION, null, null));
        HeldEpisode written = stored(transactions.build(held, nothing()).orElseThrow());
        assertThat(written.serviceRequest().getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
        assertThat(written.orders()).hasSize(6).allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD));
        assertThat(written.tasks()).filteredOn(t -> EhrIdentifiers.ROUND.equals(t.getIdentifierFirstRep().getSystem())).hasSize(3)
                .allSatisfy(t -> assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD));
        Task decide = requestTask(written, "ep-h/review/imaging-decision/child");
        assertThat(decide.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(decide.getCode().getCodingFirstRep().getCode()).isEqualTo("imaging-decision");
        assertThat(decide.getPriority()).as("the whole plan waits for it").isEqualTo(Task.TaskPriority.URGENT);
        assertThat(decide.getOwner().getReference()).isEqualTo("Organization/worklist");
        assertThat(decide.getDescription()).contains("[rule TEST@1]");
        assertThat(decide.getGroupIdentifier().getValue()).isEqualTo("ep-h");
        assertThat(errors(decide)).isEmpty();
        assertThat(transactions.differences(held, written)).isEmpty();
    }

    @Test
    void aConfirmationAwaitedWritesNoRoundsAndOnlyProposesTheCt() {
        TriageDecision confirm = Decisions.asking(Decisions.decision("ep-c", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 3), 1,
                Action.OPEN, TriageDecision.Hold.CONFIRMATION,
                Decisions.request("confirm-low-titre", ClinicianRequest.Kind.CONFIRM_LOW_TITRE, "Observation/obs-1", null));
        HeldEpisode written = stored(transactions.build(confirm, nothing()).orElseThrow());
        assertThat(written.serviceRequest().getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.DRAFT);
        assertThat(written.serviceRequest().getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        assertThat(written.orders()).isEmpty();
        assertThat(written.tasks()).singleElement().satisfies(t -> {
            assertThat(t.getIdentifierFirstRep().getValue()).isEqualTo("ep-c/review/confirm-low-titre");
            assertThat(t.getReasonReference().getReference()).isEqualTo("Observation/obs-1");
        });
        // Confirmed: the rounds are written, the answered Task is left as the clinician left it
        written.tasks().get(0).setStatus(Task.TaskStatus.COMPLETED);
        HeldEpisode confirmed = stored(transactions.build(
                Decisions.decision("ep-c", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 3), written).orElseThrow(), written);
        assertThat(confirmed.serviceRequest().getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(confirmed.serviceRequest().getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.ORDER);
        assertThat(confirmed.orders()).hasSize(6);
        assertThat(requestTask(confirmed, "ep-c/review/confirm-low-titre").getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
    }

    @Test
    void aRepeatTaskIsTheOrderingCliniciansOnlyWhenTheEhrHoldsThem() {
        TriageDecision repeat = Decisions.asking(Decisions.decision("ep-r", 1, "Patient/p1", Action.OPEN, Tier.NONE, 0), 1,
                Action.OPEN, TriageDecision.Hold.CONFIRMATION,
                Decisions.request("repeat/Observation/obs-1", ClinicianRequest.Kind.REPEAT_TEST, "Observation/obs-1", "Practitioner/dr-1"));
        Task known = task(transactions.build(repeat, none(IN_EHR, List.of(), Set.of("Practitioner/dr-1"))).orElseThrow(), 0);
        assertThat(known.getOwner().getReference()).isEqualTo("Practitioner/dr-1");
        assertThat(known.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
        Task unknown = task(transactions.build(repeat, nothing()).orElseThrow(), 0);
        assertThat(unknown.getOwner().getReference()).as("a server with referential integrity refuses a reference to nothing")
                .isEqualTo("Organization/worklist");
    }

    @Test
    void aQuestionNoLongerAskedIsCancelledAndAnAnsweredOneIsLeftAlone() {
        TriageDecision asked = Decisions.asking(Decisions.decision("ep-q", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2), 1, Action.OPEN,
                null, Decisions.request("record-delta-p-items", ClinicianRequest.Kind.MISSING_DELTA_P, null, null),
                Decisions.request("tumour-fit/Condition/c1", ClinicianRequest.Kind.TUMOUR_FIT, "Condition/c1", null));
        HeldEpisode written = stored(transactions.build(asked, nothing()).orElseThrow());
        requestTask(written, "ep-q/review/tumour-fit/Condition/c1").setStatus(Task.TaskStatus.COMPLETED);
        assertThat(requestTask(written, "ep-q/review/tumour-fit/Condition/c1").getReasonReference().getReference()).isEqualTo("Condition/c1");
        Bundle update = transactions.build(Decisions.decision("ep-q", 2, "Patient/p1", Action.UPDATE, Tier.HIGH, 2), written).orElseThrow();
        Task missing = (Task) resource(update, "Task/" + requestTask(written, "ep-q/review/record-delta-p-items").getIdElement().getIdPart());
        assertThat(missing.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(update.getEntry()).extracting(e -> e.getRequest().getUrl())
                .doesNotContain("Task/" + requestTask(written, "ep-q/review/tumour-fit/Condition/c1").getIdElement().getIdPart());
    }

    @Test
    void aReopenedEpisodeReopensWhatLemsTriageWithdrewAndLeavesWhatTheTeamCancelled() {
        TriageDecision open = Decisions.decision("ep-o", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 3);
        HeldEpisode written = stored(transactions.build(open, nothing()).orElseThrow());
        Task round2 = roundTask(written, 2);
        round2.setStatus(Task.TaskStatus.CANCELLED).setStatusReason(new org.hl7.fhir.r4.model.CodeableConcept().setText("patient moved (team)"));
        HeldEpisode closed = stored(transactions.build(Decisions.closed(open, 2, "Condition/sclc"), written).orElseThrow(), written);
        assertThat(roundTask(closed, 1).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(roundTask(closed, 1).getStatusReason().getCodingFirstRep().getCode()).isEqualTo("withdrawn-by-lems-triage");
        assertThat(order(closed, "ep-o/round-3/ct").getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        // The tumour record is withdrawn: the same plan, reopened, with a Task that says so
        TriageDecision reopened = Decisions.asking(Decisions.progressed(open, 3, TriageDecision.RoundState.DUE,
                        TriageDecision.RoundState.DUE, TriageDecision.RoundState.PLANNED), 3, Action.UPDATE, null,
                Decisions.request("reopened/Condition/sclc", ClinicianRequest.Kind.SURVEILLANCE_REOPENED, "Condition/sclc", null));
        HeldEpisode again = stored(transactions.build(reopened, closed).orElseThrow(), closed);
        assertThat(again.serviceRequest().getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(roundTask(again, 1).getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(roundTask(again, 1).hasStatusReason()).isFalse();
        assertThat(roundTask(again, 2).getStatus()).as("the team's cancellation stands").isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(roundTask(again, 3).getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(order(again, "ep-o/round-1/ct").getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(order(again, "ep-o/round-3/ct").getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
        assertThat(order(again, "ep-o/round-3/ct").getNote()).noneMatch(n -> EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE.equals(n.getAuthorStringType().getValue()));
        assertThat(again.tasks()).filteredOn(t -> EhrIdentifiers.CLOSING.equals(t.getIdentifierFirstRep().getSystem()))
                .singleElement().satisfies(t -> assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED));
        assertThat(requestTask(again, "ep-o/review/reopened/Condition/sclc").getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(transactions.differences(reopened, again)).isEmpty();
    }

    @Test
    void aClosedEpisodeAskingAboutALaterResultStaysClosedAndAClinicianDeclinedHasItsOwnClosingTask() {
        TriageDecision open = Decisions.decision("ep-a", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        HeldEpisode written = stored(transactions.build(open, nothing()).orElseThrow());
        HeldEpisode closed = stored(transactions.build(Decisions.closed(open, 2, "Condition/sclc"), written).orElseThrow(), written);
        TriageDecision later = Decisions.asking(Decisions.closed(open, 3, "Condition/sclc"), 3, Action.CLOSE, null,
                Decisions.request("after-closing/Observation/obs-2/_history/1", ClinicianRequest.Kind.RESULT_AFTER_CLOSING, null, null));
        HeldEpisode after = stored(transactions.build(later, closed).orElseThrow(), closed);
        assertThat(after.serviceRequest().getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        assertThat(after.tasks()).filteredOn(t -> EhrIdentifiers.CLOSING.equals(t.getIdentifierFirstRep().getSystem()))
                .singleElement().satisfies(t -> assertThat(t.getDescription()).as("why it closed, as it was")
                        .isEqualTo("Screening ended: a tumour was recorded (test)."));
        assertThat(requestTask(after, "ep-a/review/after-closing/Observation/obs-2/_history/1").getCode().getCodingFirstRep().getCode())
                .isEqualTo("result-after-closing");
        assertThat(roundTask(after, 1).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);

        TriageDecision held = Decisions.asking(Decisions.decision("ep-d", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2), 1,
                Action.OPEN, TriageDecision.Hold.CONFIRMATION,
                Decisions.request("confirm-low-titre", ClinicianRequest.Kind.CONFIRM_LOW_TITRE, null, null));
        HeldEpisode heldWritten = stored(transactions.build(held, nothing()).orElseThrow());
        HeldEpisode declined = stored(transactions.build(Decisions.declined(held, 2), heldWritten).orElseThrow(), heldWritten);
        assertThat(declined.serviceRequest().getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        assertThat(declined.serviceRequest().getIntent()).as("a proposal that closes stays a proposal")
                .isEqualTo(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        assertThat(declined.tasks()).filteredOn(t -> EhrIdentifiers.CLOSING.equals(t.getIdentifierFirstRep().getSystem()))
                .singleElement().satisfies(t -> {
                    assertThat(t.getCode().getCodingFirstRep().getCode()).isEqualTo("screening-ended-clinician-declined");
                    assertThat(t.hasReasonReference()).isFalse();
                });
    }

    private static Task requestTask(HeldEpisode current, String identifier) {
        return current.tasks().stream().filter(t -> identifier.equals(t.getIdentifierFirstRep().getValue())).findFirst().orElseThrow();
    }

    private static Task roundTask(HeldEpisode current, int round) {
        return requestTask(current, EhrIdentifiers.round(current.tasks().get(0).getGroupIdentifier().getValue(), round));
    }

    private static ServiceRequest order(HeldEpisode current, String identifier) {
        return current.orders().stream().filter(o -> identifier.equals(o.getIdentifierFirstRep().getValue())).findFirst().orElseThrow();
    }

    /** The n-th Task of a transaction. */
    private static Task task(Bundle tx, int n) {
        return tx.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(r -> r instanceof Task)
                .map(r -> (Task) r).toList().get(n);
    }

    /** The resource a transaction writes to {@code url} (PUT). */
    private static org.hl7.fhir.r4.model.Resource resource(Bundle tx, String url) {
        return tx.getEntry().stream().filter(e -> url.equals(e.getRequest().getUrl())).findFirst().orElseThrow().getResource();
    }
}
