package org.lemstriage.notifier.ehr;

import org.lemstriage.model.fhir.EhrIdentifiers;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.PatientByIdentifier;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.notifier.episode.Decided;
import org.lemstriage.notifier.episode.EpisodeEvent;
import org.lemstriage.notifier.episode.HeldEpisode;
import org.lemstriage.notifier.episode.PatientContact;
import org.lemstriage.notifier.episode.PatientReminders;

import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * What the EHR holds for a decision's episode, read fresh: every search asks {@code Cache-Control: no-cache}, because
 * a server may answer a repeated search from its first answer (HAPI FHIR JPA does for 60 s by default), and an
 * episode read from before it was written would make the writer believe it absent.
 */
@ApplicationScoped
public class EpisodeReader {
    private final EhrClient ehr;

    public EpisodeReader(EhrClient ehr) {
        this.ehr = ehr;
    }

    /**
     * @throws PatientByIdentifier.NotResolved when the decision names its patient by identifier and the EHR holds
     *                                         no Patient, or several, with it: nothing may be written for it
     */
    public HeldEpisode read(TriageDecision decision) {
        // Every read waits for the EHR at the same time (EhrClient.start): one after another, they were most of a
        // positive result's way to its Task
        CompletableFuture<Patient> patient = PatientKey.byIdentifier(decision.patientKey())
                ? ehr.start(() -> PatientByIdentifier.resolve(ehr, PatientKey.identifier(decision.patientKey()))) : null;
        CompletableFuture<Set<String>> held = ehr.start(() -> observations(decision));
        // Whom to tell that the episode opened is read beside the episode, for a decision that may open it; for the
        // other events, once the events are known (withPeople)
        CompletableFuture<List<String>> orderers = decision.action() == TriageDecision.Action.OPEN
                ? ehr.start(() -> orderers(decision)) : null;
        // A request's Task is the clinician's it names only when the EHR holds that clinician
        CompletableFuture<Set<String>> clinicians = ehr.start(() -> clinicians(decision));
        // An episode that ends or is withdrawn revokes the reminders the portal has not sent yet
        CompletableFuture<List<CommunicationRequest>> reminders = PatientReminders.ends(decision) ? ehr.start(() -> ehr.searchAll("search reminders of "
                + decision.episodeId(), CommunicationRequest.class, c -> c.search().forResource(CommunicationRequest.class)
                .cacheControl(EhrClient.FRESH).where(CommunicationRequest.GROUP_IDENTIFIER.exactly()
                        .systemAndCode(EhrIdentifiers.EPISODE, decision.episodeId()))
                .and(CommunicationRequest.STATUS.exactly().code(CommunicationRequest.CommunicationRequestStatus.ACTIVE.toCode()))
                .returnBundle(Bundle.class).execute())) : null;
        Episode episode = episode(decision);
        Set<String> observations = EhrClient.result(held);
        if (patient != null) {
            EhrClient.result(patient);
        }
        List<String> toTell = orderers == null ? null : EhrClient.result(orderers);
        return new HeldEpisode(episode.serviceRequest(), episode.tasks(), observations, toTell, episode.orders(),
                EhrClient.result(clinicians), PatientContact.UNREAD, reminders == null ? List.of() : EhrClient.result(reminders));
    }

    /**
     * The episode with the people its events are told to: the clinicians who asked for the results, when they are to
     * hear of something and were not read with the episode; the patient's languages and opt-out, when the patient is
     * to be reminded. Nothing is read for a decision that changes nothing anyone hears of.
     */
    public HeldEpisode withPeople(TriageDecision decision, HeldEpisode held, List<EpisodeEvent> events) {
        boolean clinicians = held.orderers() == null && events.stream().anyMatch(EpisodeEvent::forClinicians);
        boolean patient = events.stream().anyMatch(EpisodeEvent::forPatient);
        CompletableFuture<List<String>> orderers = clinicians ? ehr.start(() -> orderers(decision)) : null;
        PatientContact contact = patient ? contact(decision) : held.patient();
        return held.withPeople(orderers == null ? held.orderers() : EhrClient.result(orderers), contact);
    }

    /**
     * The patient's languages ({@code Patient.communication}, the preferred first) and whether they declined reminders:
     * an active Consent of theirs whose provision denies {@code CommunicationRequest} (a resource type in
     * {@code provision.class}), within its period where it has one.
     */
    private PatientContact contact(TriageDecision decision) {
        String key = decision.patientKey();
        String id = PatientKey.byIdentifier(key) ? PatientByIdentifier.resolve(ehr, PatientKey.identifier(key)).getIdElement().getIdPart()
                : PatientKey.patientId(key);
        CompletableFuture<Optional<Patient>> patient = ehr.start(() -> held(Patient.class, new IdType("Patient", id)));
        List<Consent> consents = ehr.searchAll("search consents of a patient", Consent.class,
                c -> c.search().forResource(Consent.class).cacheControl(EhrClient.FRESH)
                        .where(Consent.PATIENT.hasId("Patient/" + id))
                        .and(Consent.STATUS.exactly().code(Consent.ConsentState.ACTIVE.toCode()))
                        .returnBundle(Bundle.class).execute());
        Optional<Patient> held = EhrClient.result(patient);
        List<String> languages = held.map(p -> p.getCommunication().stream()
                .sorted(Comparator.comparing(c -> !c.getPreferred()))
                .flatMap(c -> c.getLanguage().getCoding().stream()).map(Coding::getCode).filter(Objects::nonNull).toList())
                .orElse(List.of());
        boolean reachable = held.map(EpisodeReader::reachable).orElse(true);
        return new PatientContact(languages, consents.stream().filter(EpisodeReader::declinesReminders).findFirst()
                .map(c -> "Consent/" + c.getIdElement().getIdPart()).orElse(null), reachable);
    }

    /** Not recorded as deceased (a date, or true) nor as not active. */
    private static boolean reachable(Patient patient) {
        boolean deceased = patient.hasDeceased() && !(patient.getDeceased() instanceof org.hl7.fhir.r4.model.BooleanType b && !b.booleanValue());
        return !deceased && !(patient.hasActive() && !patient.getActive());
    }

    private static boolean declinesReminders(Consent consent) {
        Consent.ProvisionComponent provision = consent.getProvision();
        Date now = new Date();
        boolean inForce = !provision.hasPeriod() || (!provision.getPeriod().hasStart() || !provision.getPeriod().getStart().after(now))
                && (!provision.getPeriod().hasEnd() || !provision.getPeriod().getEnd().before(now));
        return inForce && provision.getType() == Consent.ConsentProvisionType.DENY && provision.getClass_().stream()
                .anyMatch(c -> "http://hl7.org/fhir/resource-types".equals(c.getSystem()) && "CommunicationRequest".equals(c.getCode()));
    }

    /** The clinicians the decision's requests name (Practitioner or PractitionerRole) that the EHR holds. */
    private Set<String> clinicians(TriageDecision decision) {
        Set<String> held = new HashSet<>();
        for (String owner : decision.requests().stream().map(ClinicianRequest::owner).filter(Objects::nonNull)
                .distinct().toList()) {
            IdType id = new IdType(owner);
            if ("Practitioner".equals(id.getResourceType()) && held(Practitioner.class, id).isPresent()
                    || "PractitionerRole".equals(id.getResourceType()) && held(PractitionerRole.class, id).isPresent()) {
                held.add(owner);
            }
        }
        return held;
    }

    /**
     * The episode again, after a write: which of the decision's results and clinicians the EHR holds was read with it
     * before, and the write did not change it.
     */
    public HeldEpisode readAgain(TriageDecision decision, HeldEpisode before) {
        Episode again = episode(decision);
        return before.readAgain(again.serviceRequest(), again.tasks(), again.orders());
    }

    /** The episode's ServiceRequest (or null), its Tasks and its rounds' orders. */
    private record Episode(ServiceRequest serviceRequest, List<Task> tasks, List<ServiceRequest> orders) {
    }

    private Episode episode(TriageDecision decision) {
        String episodeId = decision.episodeId();
        CompletableFuture<List<ServiceRequest>> requests = ehr.start(() -> ehr.searchAll("search episode " + episodeId,
                ServiceRequest.class, c -> c.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                        .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                        .returnBundle(Bundle.class).execute()));
        CompletableFuture<List<Task>> tasks = ehr.start(() -> ehr.searchAll("search tasks of " + episodeId, Task.class,
                c -> c.search().forResource(Task.class).cacheControl(EhrClient.FRESH)
                        .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                        .returnBundle(Bundle.class).execute()));
        // The rounds' CT and PET orders: the episode is their requisition
        List<ServiceRequest> orders = ehr.searchAll("search orders of " + episodeId, ServiceRequest.class,
                c -> c.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                        .where(ServiceRequest.REQUISITION.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                        .returnBundle(Bundle.class).execute());
        List<ServiceRequest> episode = EhrClient.result(requests);
        return new Episode(episode.isEmpty() ? null : episode.get(0), EhrClient.result(tasks), orders);
    }

    /**
     * The clinicians who asked for the decision's results, as the EHR knows them: the requester of each
     * ServiceRequest a result is based on, or a Practitioner or PractitionerRole the result names, when the EHR holds
     * it. A server that enforces referential integrity would refuse a Communication to anyone else.
     */
    private List<String> orderers(TriageDecision decision) {
        Set<String> orderers = new java.util.LinkedHashSet<>();
        for (String ref : decision.evidence().stream().flatMap(e -> e.orderedBy().stream()).distinct().toList()) {
            if (ref.startsWith(LabResult.PRACTITIONER_BY_IDENTIFIER)) {
                // HL7 v2's OBR-16 names the clinician by identifier: the one Practitioner the EHR holds with it
                byIdentifier(ref.substring(LabResult.PRACTITIONER_BY_IDENTIFIER.length())).ifPresent(orderers::add);
                continue;
            }
            IdType id = new IdType(ref);
            if ("ServiceRequest".equals(id.getResourceType())) {
                held(ServiceRequest.class, id).filter(ServiceRequest::hasRequester).map(sr -> sr.getRequester().getReference())
                        .filter(r -> r != null && (r.startsWith("Practitioner/") || r.startsWith("PractitionerRole/")))
                        .ifPresent(orderers::add);
            } else if ("Practitioner".equals(id.getResourceType())) {
                held(Practitioner.class, id).ifPresent(p -> orderers.add(ref));
            } else if ("PractitionerRole".equals(id.getResourceType())) {
                held(PractitionerRole.class, id).ifPresent(p -> orderers.add(ref));
            }
        }
        return List.copyOf(orderers);
    }

    /** The Practitioner the EHR holds with this {@code system|value} identifier, when exactly one. */
    private java.util.Optional<String> byIdentifier(String token) {
        int bar = token.indexOf('|');
        if (bar <= 0 || bar == token.length() - 1) {
            return java.util.Optional.empty();
        }
        List<Practitioner> found = ehr.searchAll("search Practitioner by identifier", Practitioner.class,
                c -> c.search().forResource(Practitioner.class).cacheControl(EhrClient.FRESH)
                        .where(Practitioner.IDENTIFIER.exactly().systemAndCode(token.substring(0, bar), token.substring(bar + 1)))
                        .returnBundle(Bundle.class).execute());
        return found.size() == 1 ? java.util.Optional.of("Practitioner/" + found.get(0).getIdElement().getIdPart())
                : java.util.Optional.empty();
    }

    /** The resource, if the EHR holds it (a 404 or 410 is "not held"; any other failure is the EHR's). */
    private <T extends org.hl7.fhir.instance.model.api.IBaseResource> java.util.Optional<T> held(Class<T> type, IdType id) {
        try {
            return java.util.Optional.of(ehr.call("read " + id.getResourceType(), c -> c.read().resource(type).withId(id.getIdPart()).execute()));
        } catch (org.lemstriage.ehrclient.EhrFailure.Permanent e) {
            if (e.status() == 404 || e.status() == 410) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** Which of the decision's results the EHR holds, so that only those are referenced literally. */
    private Set<String> observations(TriageDecision decision) {
        Set<String> held = new java.util.HashSet<>(cited(decision, Observation.class, "Observation"));
        // A LEMS diagnosis is a Condition
        held.addAll(cited(decision, org.hl7.fhir.r4.model.Condition.class, "Condition"));
        return held;
    }

    /** Which of the decision's cited resources of one type the EHR holds, as {@code Type/id}. */
    private <T extends org.hl7.fhir.r4.model.Resource> Set<String> cited(TriageDecision decision, Class<T> type, String name) {
        List<String> ids = Decided.citedIds(decision, name);
        if (ids.isEmpty()) {
            return Set.of();
        }
        return ehr.searchAll("search results of " + decision.decisionId(), type,
                        c -> c.search().forResource(type).cacheControl(EhrClient.FRESH)
                                .where(new ca.uhn.fhir.rest.gclient.TokenClientParam("_id").exactly().codes(ids))
                                .returnBundle(Bundle.class).execute())
                .stream().map(o -> name + "/" + o.getIdElement().getIdPart()).collect(Collectors.toSet());
    }
}
