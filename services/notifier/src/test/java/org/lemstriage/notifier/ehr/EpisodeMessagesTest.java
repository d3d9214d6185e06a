package org.lemstriage.notifier.ehr;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.notifier.episode.EpisodeEvent;
import org.lemstriage.notifier.episode.HeldEpisode;
import org.lemstriage.notifier.episode.PatientContact;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.IN_EHR;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.errors;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.none;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.query;
import static org.lemstriage.notifier.ehr.EpisodeFixtures.stored;

/**
 * What an episode's writes tell people: the patient's reminders, the clinicians' messages, the smoking-cessation
 * referral; each once, in the transaction that makes the change it tells of.
 */
class EpisodeMessagesTest {
    private static final String DR = "Practitioner/dr-1";
    private final EpisodeTransaction transactions = new EpisodeTransaction("Organization/worklist", EpisodeFixtures.REMINDERS);

    @Test
    void aReleasedRoundRemindsThePatientOnceInTheirLanguageThroughThePortal() {
        TriageDecision open = Decisions.decision("ep-m", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3);
        Bundle tx = transactions.build(open, patient(List.of("fr", "es-MX"), null)).orElseThrow();
        Bundle.BundleEntryComponent entry = single(tx, CommunicationRequest.class);
        assertThat(query(entry.getRequest().getIfNoneExist()))
                .isEqualTo("identifier=" + EhrIdentifiers.PATIENT_REMINDER + "|ep-m/round-1/reminder/released");
        CommunicationRequest reminder = (CommunicationRequest) entry.getResource();
        assertThat(reminder.getLanguage()).as("the first of the patient's languages with a text").isEqualTo("es");
        assertThat(reminder.getPayloadFirstRep().getContentStringType().getValue())
                .contains("control 1 de 3", "entre el 2 de noviembre de 2026 y el 2 de diciembre de 2026",
                        "la clínica que pidió su análisis de sangre");
        assertThat(reminder.getMediumFirstRep().getCodingFirstRep().getCode()).isEqualTo("ONLINEWRIT");
        assertThat(reminder.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("reminder");
        assertThat(reminder.getRecipientFirstRep().getReference()).isEqualTo("Patient/p1");
        assertThat(reminder.getAboutFirstRep().getReference()).as("the round's Task, created beside it")
                .isEqualTo(fullUrlOf(tx, EhrIdentifiers.round("ep-m", 1)));
        assertThat(reminder.getGroupIdentifier().getValue()).isEqualTo("ep-m");
        assertThat(errors(reminder)).isEmpty();

        // Round 2 released months later: one reminder for it, in English when the patient reads no language with a text
        HeldEpisode written = withPatient(stored(tx), List.of("de"), null);
        assertThat(transactions.build(open, written)).as("the same decision again").isEmpty();
        TriageDecision round2 = Decisions.progressed(open, 2, RoundState.DUE, RoundState.DUE, RoundState.PLANNED);
        CommunicationRequest second = (CommunicationRequest) single(transactions.build(round2, written).orElseThrow(),
                CommunicationRequest.class).getResource();
        assertThat(second.getIdentifierFirstRep().getValue()).isEqualTo("ep-m/round-2/reminder/released");
        assertThat(second.getLanguage()).isEqualTo("en");
        assertThat(second.getPayloadFirstRep().getContentStringType().getValue())
                .contains("check 2 of 3", "between 2 May 2027 and 1 June 2027", "call the clinic that ordered your blood test");
    }

    @Test
    void anOverdueRoundRemindsThePatientOnceMoreAndTellsTheClinicianOnce() {
        TriageDecision open = Decisions.orderedBy(Decisions.decision("ep-o", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 2), DR);
        HeldEpisode written = withPatient(stored(transactions.build(open, clinician(DR)).orElseThrow(), clinician(DR)), List.of(), null);
        TriageDecision overdue = Decisions.progressed(open, 2, RoundState.OVERDUE, RoundState.PLANNED);
        Bundle tx = transactions.build(overdue, written).orElseThrow();
        CommunicationRequest reminder = (CommunicationRequest) single(tx, CommunicationRequest.class).getResource();
        assertThat(reminder.getIdentifierFirstRep().getValue()).isEqualTo("ep-o/round-1/reminder/overdue");
        assertThat(reminder.getPriority()).isEqualTo(CommunicationRequest.CommunicationPriority.URGENT);
        assertThat(reminder.getPayloadFirstRep().getContentStringType().getValue()).contains("late", "was due by 2 December 2026");
        Communication message = (Communication) single(tx, Communication.class).getResource();
        assertThat(message.getIdentifierFirstRep().getValue()).isEqualTo("ep-o/notice/round-1/overdue");
        assertThat(message.getRecipient()).extracting(Reference::getReference).containsExactly(DR);
        assertThat(message.getAbout()).extracting(Reference::getReference).containsExactly("ServiceRequest/sr", "Task/t1");
        assertThat(message.getPriority()).isEqualTo(Communication.CommunicationPriority.URGENT);
        assertThat(message.getPayloadFirstRep().getContentStringType().getValue()).contains("round 1 of 2", "overdue", "ep-o");
        assertThat(errors(message)).isEmpty();
        // Still overdue at the next decision: told already
        Bundle again = transactions.build(Decisions.progressed(open, 3, RoundState.OVERDUE, RoundState.PLANNED),
                stored(tx, written)).orElseThrow();
        assertThat(again.getEntry()).noneMatch(e -> e.getResource() instanceof CommunicationRequest || e.getResource() instanceof Communication);
    }

    @Test
    void aPatientWhoDeclinedRemindersGetsNoneAndTheAuditSaysWhy() {
        TriageDecision open = Decisions.decision("ep-x", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        EpisodeTransaction.Composed composed = transactions.compose(open, patient(List.of("en"), "Consent/c1")).orElseThrow();
        assertThat(composed.transaction().getEntry()).noneMatch(e -> e.getResource() instanceof CommunicationRequest);
        assertThat(composed.events()).extracting(EpisodeEvent::kind).contains(EpisodeEvent.Kind.ROUND_RELEASED);
        assertThat(composed.withheld()).anySatisfy(w -> assertThat(w)
                .isEqualTo("patient reminder ep-x/round-1/reminder/released withheld: the patient declined reminders (Consent/c1)"));
        // Reminders switched off by the hospital: none either, and said so
        EpisodeTransaction off = new EpisodeTransaction("Organization/worklist", new org.lemstriage.notifier.episode.PatientReminders(
                false, "ONLINEWRIT", EpisodeFixtures.REMINDERS.texts()));
        assertThat(off.compose(open, patient(List.of(), null)).orElseThrow().withheld())
                .anySatisfy(w -> assertThat(w).contains("ep-x/round-1/reminder/released", "patient reminders are off"));
    }

    @Test
    void aPatientRecordedAsDeceasedIsRemindedOfNothing() {
        TriageDecision open = Decisions.decision("ep-d", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        HeldEpisode deceased = none(IN_EHR, List.of(), Set.of()).withPeople(List.of(), new PatientContact(List.of("en"), null, false));
        EpisodeTransaction.Composed composed = transactions.compose(open, deceased).orElseThrow();
        assertThat(composed.transaction().getEntry()).noneMatch(e -> e.getResource() instanceof CommunicationRequest);
        assertThat(composed.withheld()).anySatisfy(w -> assertThat(w).contains("deceased or not active"));
    }

    @Test
    void anEpisodeThatEndsRevokesTheRemindersThePortalHasNotSentAndLeavesTheSentOnes() {
        TriageDecision open = Decisions.decision("ep-r", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        HeldEpisode written = stored(transactions.build(Decisions.progressed(open, 1, RoundState.DUE, RoundState.DUE),
                patient(List.of(), null)).orElseThrow(), patient(List.of(), null));
        assertThat(written.reminders()).hasSize(2);
        written.reminders().get(0).setStatus(CommunicationRequest.CommunicationRequestStatus.COMPLETED); // the portal sent it
        for (TriageDecision ends : List.of(Decisions.closed(open, 2, "Condition/c1"),
                Decisions.decision("ep-r", 2, "Patient/p1", Action.RETRACT, Tier.NONE, 0))) {
            Bundle tx = transactions.build(ends, written).orElseThrow();
            assertThat(tx.getEntry()).filteredOn(e -> e.getResource() instanceof CommunicationRequest).singleElement().satisfies(e -> {
                assertThat(e.getRequest().getUrl()).isEqualTo("CommunicationRequest/r2");
                assertThat(e.getRequest().getIfMatch()).isEqualTo("W/\"1\"");
                assertThat(((CommunicationRequest) e.getResource()).getStatus()).isEqualTo(CommunicationRequest.CommunicationRequestStatus.REVOKED);
            });
        }
    }

    @Test
    void aReopenedEpisodeTellsItsRoundsAgainUnderTheirOwnIdentifiersOnce() {
        TriageDecision open = Decisions.orderedBy(Decisions.decision("ep-z", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 3), DR);
        HeldEpisode written = stored(transactions.build(open, withPatient(clinician(DR), List.of(), null)).orElseThrow(),
                withPatient(clinician(DR), List.of(), null));
        assertThat(written.reminders()).extracting(r -> r.getIdentifierFirstRep().getValue()).containsExactly("ep-z/round-1/reminder/released");
        HeldEpisode closed = stored(transactions.build(Decisions.closed(open, 2, "Condition/sclc"), written).orElseThrow(), written);
        assertThat(closed.reminders()).singleElement().satisfies(r ->
                assertThat(r.getStatus()).isEqualTo(CommunicationRequest.CommunicationRequestStatus.REVOKED));
        // The tumour record was entered in error: round 1 is due again, round 2 came back overdue
        TriageDecision reopened = Decisions.asking(Decisions.progressed(open, 3, RoundState.DUE, RoundState.OVERDUE, RoundState.PLANNED),
                3, Action.UPDATE, null, Decisions.request("reopened/Condition/sclc", ClinicianRequest.Kind.SURVEILLANCE_REOPENED, "Condition/sclc", null));
        Bundle tx = transactions.build(reopened, closed).orElseThrow();
        assertThat(tx.getEntry()).filteredOn(e -> e.getResource() instanceof CommunicationRequest)
                .extracting(e -> ((CommunicationRequest) e.getResource()).getIdentifierFirstRep().getValue(), e -> query(e.getRequest().getIfNoneExist()))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("ep-z/round-1/reminder/released/reopened-v3",
                                "identifier=" + EhrIdentifiers.PATIENT_REMINDER + "|ep-z/round-1/reminder/released/reopened-v3"),
                        org.assertj.core.groups.Tuple.tuple("ep-z/round-2/reminder/overdue/reopened-v3",
                                "identifier=" + EhrIdentifiers.PATIENT_REMINDER + "|ep-z/round-2/reminder/overdue/reopened-v3"));
        assertThat(messages(tx)).extracting(c -> c.getIdentifierFirstRep().getValue())
                .contains("ep-z/notice/round-2/overdue/reopened-v3", "ep-z/notice/review/reopened/Condition/sclc");
        // The same decision again, and the next one: told once
        HeldEpisode again = stored(tx, closed);
        assertThat(transactions.build(reopened, again)).as("applied already").isEmpty();
        assertThat(transactions.build(reopened, closed).orElseThrow().getEntry()).filteredOn(e -> e.getResource() instanceof CommunicationRequest)
                .as("sent again before it was applied: the same conditional creates").extracting(e -> e.getRequest().getIfNoneExist())
                .containsExactlyInAnyOrderElementsOf(tx.getEntry().stream().filter(e -> e.getResource() instanceof CommunicationRequest)
                        .map(e -> e.getRequest().getIfNoneExist()).toList());
        assertThat(transactions.build(Decisions.progressed(open, 4, RoundState.DUE, RoundState.OVERDUE, RoundState.PLANNED), again)
                .orElseThrow().getEntry()).noneMatch(e -> e.getResource() instanceof CommunicationRequest || e.getResource() instanceof Communication);
    }

    @Test
    void aPetOrderedAgainAfterTheEpisodeReopensIsToldAgainOnce() {
        TriageDecision open = Decisions.orderedBy(Decisions.decision("ep-y", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2), DR);
        HeldEpisode written = stored(transactions.build(open, clinician(DR)).orElseThrow(), clinician(DR));
        HeldEpisode pet = stored(transactions.build(Decisions.petOrdered(open, 2, 1), written).orElseThrow(), written);
        HeldEpisode closed = stored(transactions.build(Decisions.closed(open, 3, "Condition/sclc"), pet).orElseThrow(), pet);
        assertThat(order(closed, "ep-y/round-1/pet").getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        TriageDecision reopened = Decisions.asking(Decisions.petOrdered(open, 4, 1), 4, Action.UPDATE, null,
                Decisions.request("reopened/Condition/sclc", ClinicianRequest.Kind.SURVEILLANCE_REOPENED, "Condition/sclc", null));
        Bundle tx = transactions.build(reopened, closed).orElseThrow();
        assertThat(messages(tx)).extracting(c -> c.getIdentifierFirstRep().getValue())
                .contains("ep-y/notice/round-1/pet-ordered/reopened-v4");
        HeldEpisode again = stored(tx, closed);
        assertThat(order(again, "ep-y/round-1/pet").getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(messages(transactions.build(Decisions.petOrdered(open, 5, 1), again).orElseThrow())).isEmpty();
    }

    private static ServiceRequest order(HeldEpisode held, String identifier) {
        return held.orders().stream().filter(o -> identifier.equals(o.getIdentifierFirstRep().getValue())).findFirst().orElseThrow();
    }

    @Test
    void aPlanHeldForAClinicianRemindsThePatientOfNothingAndAsksTheClinicianOnce() {
        // A child: every round on hold until a clinician decides on imaging
        TriageDecision open = Decisions.orderedBy(Decisions.decision("ep-h", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2), DR);
        TriageDecision held = Decisions.asking(open, 1, Action.OPEN, TriageDecision.Hold.CLINICIAN_DECISION,
                Decisions.request("imaging/child", ClinicianRequest.Kind.IMAGING_DECISION, null, null));
        Bundle tx = transactions.build(held, clinician(DR)).orElseThrow();
        assertThat(tx.getEntry()).noneMatch(e -> e.getResource() instanceof CommunicationRequest);
        // One message at the opening, naming the question asked with it and linking its Task
        assertThat(messages(tx)).extracting(c -> c.getIdentifierFirstRep().getValue()).containsExactly("ep-h/notice/opened");
        Communication opened = messages(tx).get(0);
        assertThat(opened.getAbout()).extracting(Reference::getReference)
                .contains(fullUrlOf(tx, EhrIdentifiers.request("ep-h", "imaging/child")));
        assertThat(opened.getPayloadFirstRep().getContentStringType().getValue())
                .contains("imaging held for a clinician's decision", "A clinician is asked: Decide on tumour-screening imaging");
        // Even a round the classifier says is due (released before the hold) reminds nobody while the plan is held
        TriageDecision heldDue = Decisions.asking(Decisions.progressed(open, 2, RoundState.DUE, RoundState.DUE), 2, Action.UPDATE,
                null, Decisions.request("imaging/child", ClinicianRequest.Kind.IMAGING_DECISION, null, null));
        TriageDecision pregnancy = new TriageDecision(heldDue.decisionId(), heldDue.episodeId(), 2, heldDue.patientKey(), Action.UPDATE,
                heldDue.tier(), heldDue.evidence(), heldDue.rulesFired(), heldDue.rulesetVersion(), heldDue.explanation(),
                heldDue.plan(), heldDue.decidedAt(), heldDue.context(), heldDue.deltaP(), heldDue.deltaPScore(), heldDue.kind(),
                null, heldDue.requests(), TriageDecision.Hold.CLINICIAN_DECISION);
        EpisodeTransaction.Composed composed = transactions.compose(pregnancy, stored(tx, clinician(DR))).orElseThrow();
        assertThat(composed.transaction().getEntry()).noneMatch(e -> e.getResource() instanceof CommunicationRequest);
        assertThat(composed.withheld()).anySatisfy(w -> assertThat(w).contains("held for a clinician's decision"));
    }

    @Test
    void eachClinicianEventIsOneCommunicationToWhoOrderedAndWhoIsResponsible() {
        TriageDecision open = Decisions.orderedBy(Decisions.decision("ep-c", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2), DR);
        Bundle opening = transactions.build(open, clinician(DR)).orElseThrow();
        assertThat(messages(opening)).singleElement().satisfies(m -> assertThat(m.getAbout()).extracting(Reference::getReference)
                .as("the episode and the round the worklist has now").containsExactly(opening.getEntryFirstRep().getFullUrl(),
                        fullUrlOf(opening, EhrIdentifiers.round("ep-c", 1))));
        HeldEpisode written = stored(opening, clinician(DR));
        // The team names the clinician responsible for the episode; lems-triage's later writes keep it
        written.serviceRequest().addPerformer(new Reference("PractitionerRole/onc-1"));
        assertThat(((ServiceRequest) transactions.build(Decisions.petOrdered(open, 2, 1), written).orElseThrow().getEntryFirstRep()
                .getResource()).getPerformer()).extracting(Reference::getReference).containsExactly("PractitionerRole/onc-1");

        Bundle pet = transactions.build(Decisions.petOrdered(open, 2, 1), written).orElseThrow();
        Communication petMessage = messages(pet).get(0);
        assertThat(messages(pet)).hasSize(1);
        assertThat(petMessage.getIdentifierFirstRep().getValue()).isEqualTo("ep-c/notice/round-1/pet-ordered");
        assertThat(petMessage.getRecipient()).extracting(Reference::getReference).containsExactly(DR, "PractitionerRole/onc-1");
        assertThat(petMessage.getAbout()).extracting(Reference::getReference).containsExactly("ServiceRequest/sr", "Task/t1");
        assertThat(petMessage.getPayloadFirstRep().getContentStringType().getValue()).contains("FDG-PET/CT", "negative");

        Bundle tumour = transactions.build(Decisions.closed(open, 3, "Condition/c1"), written).orElseThrow();
        assertThat(messages(tumour)).singleElement().satisfies(m -> {
            assertThat(m.getIdentifierFirstRep().getValue()).isEqualTo("ep-c/notice/closed/v3");
            assertThat(m.getPayloadFirstRep().getContentStringType().getValue()).contains("tumour", "Condition/c1");
            assertThat(m.getAbout()).extracting(Reference::getReference).contains(fullUrlOf(tumour, EhrIdentifiers.closing("ep-c")));
        });
        Bundle complete = transactions.build(Decisions.closed(open, 3, null), written).orElseThrow();
        assertThat(messages(complete)).singleElement().satisfies(m -> assertThat(m.getPayloadFirstRep().getContentStringType()
                .getValue()).contains("surveillance is complete"));
        Bundle declined = transactions.build(Decisions.declined(open, 3), written).orElseThrow();
        assertThat(messages(declined)).singleElement().satisfies(m -> assertThat(m.getPayloadFirstRep().getContentStringType()
                .getValue()).contains("declined"));
        Bundle withdrawn = transactions.build(Decisions.decision("ep-c", 4, "Patient/p1", Action.RETRACT, Tier.NONE, 0), written).orElseThrow();
        assertThat(messages(withdrawn)).singleElement().satisfies(m -> {
            assertThat(m.getIdentifierFirstRep().getValue()).isEqualTo("ep-c/notice/withdrawn/v4");
            assertThat(m.getRecipient()).extracting(Reference::getReference).containsExactly(DR, "PractitionerRole/onc-1");
            assertThat(m.getAbout()).extracting(Reference::getReference).as("the episode and the Tasks it cancelled")
                    .containsExactly("ServiceRequest/sr", "Task/t1", "Task/t2"); // the Tasks in the order of their ids
        });
        assertThat(List.of(pet, tumour, complete, declined, withdrawn)).allSatisfy(b -> messages(b).forEach(m -> assertThat(errors(m)).isEmpty()));
        // A clinician's review asked after the opening: one message
        Bundle asked = transactions.build(Decisions.asking(open, 5, Action.UPDATE, null,
                Decisions.request("tumour-fit/Condition/c2", ClinicianRequest.Kind.TUMOUR_FIT, "Condition/c2", null)), written).orElseThrow();
        assertThat(messages(asked)).extracting(m -> m.getIdentifierFirstRep().getValue())
                .containsExactly("ep-c/notice/review/tumour-fit/Condition/c2");
    }

    @Test
    void everyKindOfClinicianReviewAskedAfterTheOpeningIsOneMessageLinkingItsTask() {
        TriageDecision open = Decisions.orderedBy(Decisions.decision("ep-k", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2), DR);
        HeldEpisode written = stored(transactions.build(open, clinician(DR)).orElseThrow(), clinician(DR));
        for (ClinicianRequest.Kind kind : ClinicianRequest.Kind.values()) {
            String question = kind.code() + "/Condition/c1";
            Bundle asked = transactions.build(Decisions.asking(open, 2, Action.UPDATE, null,
                    Decisions.request(question, kind, "Condition/c1", null)), written).orElseThrow();
            assertThat(messages(asked)).as(kind.name()).singleElement().satisfies(m -> {
                assertThat(m.getIdentifierFirstRep().getValue()).isEqualTo("ep-k/notice/review/" + question);
                assertThat(m.getRecipient()).extracting(Reference::getReference).containsExactly(DR);
                assertThat(m.getAbout()).extracting(Reference::getReference)
                        .containsExactly("ServiceRequest/sr", fullUrlOf(asked, EhrIdentifiers.request("ep-k", question)));
                assertThat(m.getPayloadFirstRep().getContentStringType().getValue()).contains(kind.display(), "ep-k");
                assertThat(errors(m)).isEmpty();
            });
        }
    }

    @Test
    void nobodyToTellSendsNothingAndTheAuditSaysSo() {
        TriageDecision open = Decisions.decision("ep-n", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2);
        HeldEpisode written = stored(transactions.build(open, none(IN_EHR, List.of(), Set.of())).orElseThrow());
        EpisodeTransaction.Composed pet = transactions.compose(Decisions.petOrdered(open, 2, 1), written).orElseThrow();
        assertThat(messages(pet.transaction())).isEmpty();
        assertThat(pet.withheld()).containsExactly("clinician message ep-n/notice/round-1/pet-ordered not sent: no ordering or "
                + "responsible clinician the EHR holds");
    }

    @Test
    void aSmokerGetsOneReferralThatLemsTriageNeverChangesOrWithdraws() {
        TriageDecision open = Decisions.smoker(Decisions.decision("ep-s", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2));
        Bundle tx = transactions.build(open, none(IN_EHR, List.of(), Set.of())).orElseThrow();
        List<ServiceRequest> referrals = referrals(tx);
        assertThat(referrals).singleElement().satisfies(r -> {
            assertThat(r.getIdentifierFirstRep().getValue()).isEqualTo("ep-s/smoking-cessation");
            assertThat(r.getCode().getCodingFirstRep().getCode()).isEqualTo("315232003");
            assertThat(r.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
            assertThat(r.getRequisition().getValue()).isEqualTo("ep-s");
            assertThat(r.getReasonReferenceFirstRep().getReference()).isEqualTo("Observation/smoke-1");
            assertThat(errors(r)).isEmpty();
        });
        HeldEpisode written = stored(tx);
        // Later decisions, smoking or not (a context not read again), leave it to the clinic
        assertThat(referrals(transactions.build(Decisions.smoker(Decisions.progressed(open, 2, RoundState.DUE, RoundState.DUE)),
                written).orElseThrow())).isEmpty();
        assertThat(referrals(transactions.build(Decisions.progressed(open, 2, RoundState.DUE, RoundState.DUE), written).orElseThrow())).isEmpty();
        assertThat(transactions.differences(Decisions.progressed(open, 1, RoundState.DUE, RoundState.PLANNED), written)).isEmpty();
        // Not even withdrawn with the episode: stopping smoking is no less indicated
        assertThat(referrals(transactions.build(Decisions.decision("ep-s", 3, "Patient/p1", Action.RETRACT, Tier.NONE, 0),
                written).orElseThrow())).isEmpty();
        // A non-smoker gets none
        assertThat(referrals(transactions.build(Decisions.decision("ep-t", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 2),
                none(IN_EHR, List.of(), Set.of())).orElseThrow())).isEmpty();
    }

    private static HeldEpisode patient(List<String> languages, String optedOutBy) {
        return withPatient(none(IN_EHR, List.of(), Set.of()), languages, optedOutBy);
    }

    private static HeldEpisode clinician(String orderer) {
        return none(IN_EHR, List.of(orderer), Set.of());
    }

    private static HeldEpisode withPatient(HeldEpisode held, List<String> languages, String optedOutBy) {
        return held.withPeople(held.orderers(), new PatientContact(languages, optedOutBy, true));
    }

    private static Bundle.BundleEntryComponent single(Bundle tx, Class<? extends Resource> type) {
        List<Bundle.BundleEntryComponent> entries = tx.getEntry().stream().filter(e -> type.isInstance(e.getResource())).toList();
        assertThat(entries).as(type.getSimpleName()).hasSize(1);
        return entries.get(0);
    }

    private static List<Communication> messages(Bundle tx) {
        return tx.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(r -> r instanceof Communication)
                .map(r -> (Communication) r).toList();
    }

    private static List<ServiceRequest> referrals(Bundle tx) {
        return tx.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof ServiceRequest s && EhrIdentifiers.SMOKING_CESSATION.equals(s.getIdentifierFirstRep().getSystem()))
                .map(r -> (ServiceRequest) r).toList();
    }

    /** The fullUrl of the Task a transaction creates with this business identifier. */
    private static String fullUrlOf(Bundle tx, String identifier) {
        return tx.getEntry().stream().filter(e -> e.getResource() instanceof Task t && identifier.equals(t.getIdentifierFirstRep().getValue()))
                .findFirst().orElseThrow().getFullUrl();
    }
}
