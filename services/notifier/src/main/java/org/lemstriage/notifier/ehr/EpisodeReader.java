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
import org.lemstriage.ehrclient.EhrBatch;
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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the EHR holds for a decision's episode, read fresh, in one round trip ({@link EhrBatch}): the episode's
 * ServiceRequest, Tasks and orders, the results it cites, the clinicians its requests name and who ordered its results,
 * the patient and their Consents, and for a decision that ends the episode its active reminders. Every search asks
 * {@code Cache-Control: no-cache}, because a server may answer a repeated search from its first answer (HAPI FHIR JPA
 * does for 60 s by default), and an episode read from before it was written would make the writer believe it absent.
 * What the people's answers say is taken only when the decision's events call for it ({@link #withPeople}), so an
 * EHR that cannot answer them (no Consent resource, say) fails only a decision that tells the patient.
 */
@ApplicationScoped
public class EpisodeReader {
    private final EhrClient ehr;

    public EpisodeReader(EhrClient ehr) {
        this.ehr = ehr;
    }

    /** The episode as read, and the answers about the people to tell, taken when the events call for them. */
    public record Read(HeldEpisode held, EhrBatch.Answer<List<String>> orderers, EhrBatch.Answer<PatientContact> patient) {
    }

    /**
     * @throws PatientByIdentifier.NotResolved when the decision names its patient by identifier and the EHR holds
     *                                         no Patient, or several, with it: nothing may be written for it
     */
    public Read read(TriageDecision decision) {
        String key = decision.patientKey();
        EhrBatch reads = ehr.batch("read episode " + decision.episodeId() + " for decision " + decision.decisionId());
        EhrBatch.Answer<List<Patient>> byIdentifier = PatientKey.byIdentifier(key) ? reads.search("search Patient by identifier",
                Patient.class, Patient.IDENTIFIER.exactly().systemAndIdentifier(PatientKey.identifier(key).getSystem(),
                        PatientKey.identifier(key).getValue())) : null;
        EhrBatch.Answer<Optional<Patient>> byId = byIdentifier == null ? reads.read(Patient.class, PatientKey.patientId(key)) : null;
        EhrBatch.Answer<List<Consent>> consents = byIdentifier == null ? consents(reads, PatientKey.patientId(key)) : null;
        EhrBatch.Answer<Set<String>> observations = cited(reads, decision, Observation.class, "Observation");
        EhrBatch.Answer<Set<String>> conditions = cited(reads, decision, org.hl7.fhir.r4.model.Condition.class, "Condition");
        EhrBatch.Answer<List<String>> orderers = orderers(reads, decision);
        // A request's Task is the clinician's it names only when the EHR holds that clinician
        EhrBatch.Answer<Set<String>> clinicians = clinicians(reads, decision);
        // An episode that ends or is withdrawn revokes the reminders the portal has not sent yet
        EhrBatch.Answer<List<CommunicationRequest>> reminders = PatientReminders.ends(decision) ? reads.search("search reminders of "
                + decision.episodeId(), CommunicationRequest.class, CommunicationRequest.GROUP_IDENTIFIER.exactly()
                .systemAndCode(EhrIdentifiers.EPISODE, decision.episodeId()), CommunicationRequest.STATUS.exactly()
                .code(CommunicationRequest.CommunicationRequestStatus.ACTIVE.toCode())) : null;
        EpisodeAnswers episode = episode(reads, decision);
        reads.send();
        // A patient named by identifier must be exactly one Patient before anything is written; one named by id is
        // read for the reminders only, and taken only then
        Patient identified = byIdentifier != null ? PatientByIdentifier.checked(byIdentifier.get(), PatientKey.identifier(key)) : null;
        Set<String> held = new HashSet<>(observations.get());
        held.addAll(conditions.get());
        // Whom to tell that the episode opened is taken with the episode, for a decision that may open it; for the
        // other events, once the events are known (withPeople)
        List<String> toTell = decision.action() == TriageDecision.Action.OPEN ? orderers.get() : null;
        HeldEpisode episodeHeld = new HeldEpisode(episode.serviceRequest(), episode.tasks(), held, toTell, episode.orders(),
                clinicians.get(), PatientContact.UNREAD, reminders == null ? List.of() : reminders.get());
        EhrBatch.Answer<PatientContact> contact = () -> identified != null
                ? contact(Optional.of(identified), consentsOf(identified.getIdElement().getIdPart()))
                : contact(byId.get(), consents.get());
        return new Read(episodeHeld, orderers, contact);
    }

    /**
     * The episode with the people its events are told to: the clinicians who asked for the results, when they are to
     * hear of something and were not taken with the episode; the patient's languages and opt-out, when the patient is
     * to be reminded. Nothing is taken for a decision that changes nothing anyone hears of.
     */
    public HeldEpisode withPeople(Read read, List<EpisodeEvent> events) {
        HeldEpisode held = read.held();
        boolean clinicians = held.orderers() == null && events.stream().anyMatch(EpisodeEvent::forClinicians);
        boolean patient = events.stream().anyMatch(EpisodeEvent::forPatient);
        return held.withPeople(clinicians ? read.orderers().get() : held.orderers(), patient ? read.patient().get() : held.patient());
    }

    /** The patient's active Consents, in the batch. */
    private static EhrBatch.Answer<List<Consent>> consents(EhrBatch reads, String patientId) {
        return reads.search("search consents of a patient", Consent.class, Consent.PATIENT.hasId("Patient/" + patientId),
                Consent.STATUS.exactly().code(Consent.ConsentState.ACTIVE.toCode()));
    }

    /** The active Consents of a patient named by identifier, found by the batch: one call more, when reminded. */
    private List<Consent> consentsOf(String patientId) {
        EhrBatch reads = ehr.batch("read consents of a patient");
        EhrBatch.Answer<List<Consent>> consents = consents(reads, patientId);
        reads.send();
        return consents.get();
    }

    /**
     * The patient's languages ({@code Patient.communication}, the preferred first) and whether they declined reminders:
     * an active Consent of theirs whose provision denies {@code CommunicationRequest} (a resource type in
     * {@code provision.class}), within its period where it has one.
     */
    private static PatientContact contact(Optional<Patient> held, List<Consent> consents) {
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
    private static EhrBatch.Answer<Set<String>> clinicians(EhrBatch reads, TriageDecision decision) {
        Map<String, EhrBatch.Answer<? extends Optional<?>>> asked = new LinkedHashMap<>();
        for (String owner : decision.requests().stream().map(ClinicianRequest::owner).filter(Objects::nonNull).distinct().toList()) {
            IdType id = new IdType(owner);
            if ("Practitioner".equals(id.getResourceType())) {
                asked.put(owner, reads.read(Practitioner.class, id.getIdPart()));
            } else if ("PractitionerRole".equals(id.getResourceType())) {
                asked.put(owner, reads.read(PractitionerRole.class, id.getIdPart()));
            }
        }
        return () -> {
            Set<String> held = new HashSet<>();
            asked.forEach((owner, answer) -> {
                if (answer.get().isPresent()) {
                    held.add(owner);
                }
            });
            return held;
        };
    }

    /** The episode after a write, read by GET entries at the end of the write's transaction ({@link EhrBatch#after}). */
    public Again after(TriageDecision decision, Bundle transaction) {
        EhrBatch reads = ehr.batch("read episode " + decision.episodeId() + " after decision " + decision.decisionId());
        EpisodeAnswers episode = episode(reads, decision);
        reads.after(transaction);
        return new Again(reads, episode);
    }

    /**
     * The episode as the transaction's own reads found it after its writes: which of the decision's results and
     * clinicians the EHR holds was read with it before, and the write did not change it.
     */
    public record Again(EhrBatch reads, EpisodeAnswers episode) {
        public HeldEpisode answeredBy(Bundle response, HeldEpisode before) {
            reads.answeredBy(response);
            return before.readAgain(episode.serviceRequest(), episode.tasks(), episode.orders());
        }
    }

    /** The episode's ServiceRequest (or null), its Tasks and its rounds' orders, as a batch answers them. */
    record EpisodeAnswers(EhrBatch.Answer<List<ServiceRequest>> requests, EhrBatch.Answer<List<Task>> taskList,
                          EhrBatch.Answer<List<ServiceRequest>> orderList) {
        ServiceRequest serviceRequest() {
            List<ServiceRequest> found = requests.get();
            return found.isEmpty() ? null : found.get(0);
        }

        List<Task> tasks() {
            return taskList.get();
        }

        List<ServiceRequest> orders() {
            return orderList.get();
        }
    }

    private static EpisodeAnswers episode(EhrBatch reads, TriageDecision decision) {
        String episodeId = decision.episodeId();
        return new EpisodeAnswers(
                reads.search("search episode " + episodeId, ServiceRequest.class,
                        ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId)),
                reads.search("search tasks of " + episodeId, Task.class,
                        Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId)),
                // The rounds' CT and PET orders: the episode is their requisition
                reads.search("search orders of " + episodeId, ServiceRequest.class,
                        ServiceRequest.REQUISITION.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId)));
    }

    /**
     * The clinicians who asked for the decision's results, as the EHR knows them: the requester of each
     * ServiceRequest a result is based on, or a Practitioner or PractitionerRole the result names, when the EHR holds
     * it. A server that enforces referential integrity would refuse a Communication to anyone else.
     */
    private static EhrBatch.Answer<List<String>> orderers(EhrBatch reads, TriageDecision decision) {
        List<EhrBatch.Answer<Optional<String>>> asked = new ArrayList<>();
        for (String ref : decision.evidence().stream().flatMap(e -> e.orderedBy().stream()).distinct().toList()) {
            if (ref.startsWith(LabResult.PRACTITIONER_BY_IDENTIFIER)) {
                // HL7 v2's OBR-16 names the clinician by identifier: the one Practitioner the EHR holds with it
                byIdentifier(reads, ref.substring(LabResult.PRACTITIONER_BY_IDENTIFIER.length())).ifPresent(asked::add);
                continue;
            }
            IdType id = new IdType(ref);
            if ("ServiceRequest".equals(id.getResourceType())) {
                var request = reads.read(ServiceRequest.class, id.getIdPart());
                asked.add(() -> request.get().filter(ServiceRequest::hasRequester).map(sr -> sr.getRequester().getReference())
                        .filter(r -> r != null && (r.startsWith("Practitioner/") || r.startsWith("PractitionerRole/"))));
            } else if ("Practitioner".equals(id.getResourceType())) {
                var practitioner = reads.read(Practitioner.class, id.getIdPart());
                asked.add(() -> practitioner.get().map(p -> ref));
            } else if ("PractitionerRole".equals(id.getResourceType())) {
                var role = reads.read(PractitionerRole.class, id.getIdPart());
                asked.add(() -> role.get().map(p -> ref));
            }
        }
        return () -> {
            Set<String> orderers = new LinkedHashSet<>();
            asked.forEach(answer -> answer.get().ifPresent(orderers::add));
            return List.copyOf(orderers);
        };
    }

    /** The Practitioner the EHR holds with this {@code system|value} identifier, when exactly one. */
    private static Optional<EhrBatch.Answer<Optional<String>>> byIdentifier(EhrBatch reads, String token) {
        int bar = token.indexOf('|');
        if (bar <= 0 || bar == token.length() - 1) {
            return Optional.empty();
        }
        var found = reads.search("search Practitioner by identifier", Practitioner.class,
                Practitioner.IDENTIFIER.exactly().systemAndCode(token.substring(0, bar), token.substring(bar + 1)));
        return Optional.of(() -> {
            List<Practitioner> practitioners = found.get();
            return practitioners.size() == 1 ? Optional.of("Practitioner/" + practitioners.get(0).getIdElement().getIdPart())
                    : Optional.empty();
        });
    }

    /** Which of the decision's results of one type the EHR holds, so that only those are referenced literally. */
    private static <T extends org.hl7.fhir.r4.model.Resource> EhrBatch.Answer<Set<String>> cited(EhrBatch reads,
            TriageDecision decision, Class<T> type, String name) {
        List<String> ids = Decided.citedIds(decision, name);
        if (ids.isEmpty()) {
            return Set::of;
        }
        var found = reads.search("search results of " + decision.decisionId(), type,
                new ca.uhn.fhir.rest.gclient.TokenClientParam("_id").exactly().codes(ids));
        return () -> found.get().stream().map(o -> name + "/" + o.getIdElement().getIdPart()).collect(Collectors.toSet());
    }
}
