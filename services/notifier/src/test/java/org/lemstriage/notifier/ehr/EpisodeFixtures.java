package org.lemstriage.notifier.ehr;

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
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.notifier.episode.HeldEpisode;
import org.lemstriage.notifier.episode.PatientContact;
import org.lemstriage.notifier.episode.PatientReminders;
import org.lemstriage.notifier.episode.ReminderTexts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the EHR holds for an episode before and after a transaction, as the notifier's unit tests play it; the R4 validator. */
final class EpisodeFixtures {
    /** The result the test decisions cite, held by the EHR. */
    static final Set<String> IN_EHR = Set.of("Observation/obs-1");
    /** Reminders on, through the portal, in the texts' own words. */
    static final PatientReminders REMINDERS = new PatientReminders(true, "ONLINEWRIT", new ReminderTexts(Map.of()));
    private static final FhirValidator VALIDATOR = validator();

    private EpisodeFixtures() {
    }

    private static FhirValidator validator() {
        var fhir = Fhir.r4();
        var chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), new CommonCodeSystemsTerminologyService(fhir));
        return fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    static HeldEpisode nothing() {
        return none(IN_EHR, List.of(), Set.of());
    }

    /** The resources of a transaction as an EHR would hold them after it: ids sr, o1, o2, ..., t1, t2, ...; version 1. */
    static HeldEpisode stored(Bundle tx) {
        return stored(tx, none(IN_EHR, List.of(), Set.of()));
    }

    /**
     * What the EHR holds after a transaction on {@code before}: what it created gets the next ids, what it updated
     * replaces the resource of that id, and references to an entry's fullUrl become references to what it stored.
     */
    static HeldEpisode stored(Bundle tx, HeldEpisode before) {
        Map<String, org.hl7.fhir.r4.model.Resource> byId = new LinkedHashMap<>();
        if (before.serviceRequest() != null) {
            byId.put("ServiceRequest/" + before.serviceRequest().getIdElement().getIdPart(), before.serviceRequest());
        }
        before.orders().forEach(o -> byId.put("ServiceRequest/" + o.getIdElement().getIdPart(), o));
        before.tasks().forEach(t -> byId.put("Task/" + t.getIdElement().getIdPart(), t));
        Map<String, String> urls = new HashMap<>();
        List<org.hl7.fhir.r4.model.Resource> written = new ArrayList<>();
        for (var entry : tx.getEntry()) {
            var resource = entry.getResource().copy();
            if (resource instanceof Provenance || resource instanceof Communication || resource instanceof CommunicationRequest) {
                continue; // not part of the episode as the notifier reads it
            }
            String id = entry.getRequest().getMethod() == Bundle.HTTPVerb.PUT ? entry.getRequest().getUrl()
                    : resource instanceof Task ? "Task/t" + (byId.keySet().stream().filter(k -> k.startsWith("Task/")).count() + 1)
                    : resource instanceof ServiceRequest s && !s.getRequisition().hasValue() ? "ServiceRequest/sr"
                    : "ServiceRequest/o" + (byId.keySet().stream().filter(k -> k.startsWith("ServiceRequest/o")).count() + 1);
            resource.setId(new IdType(id));
            resource.getMeta().setVersionId("1");
            urls.put(entry.getFullUrl(), id);
            byId.put(id, resource);
            written.add(resource);
        }
        for (var resource : written) {
            Fhir.r4().newTerser().getAllPopulatedChildElementsOfType(resource, org.hl7.fhir.r4.model.Reference.class)
                    .forEach(r -> r.setReference(urls.getOrDefault(r.getReference(), r.getReference())));
        }
        ServiceRequest sr = byId.values().stream().filter(r -> r instanceof ServiceRequest s && !s.getRequisition().hasValue())
                .map(r -> (ServiceRequest) r).findFirst().orElse(null);
        List<ServiceRequest> orders = byId.values().stream().filter(r -> r instanceof ServiceRequest s && s.getRequisition().hasValue())
                .map(r -> (ServiceRequest) r).toList();
        List<Task> tasks = byId.values().stream().filter(r -> r instanceof Task).map(r -> (Task) r).toList();
        // The reminders the EHR holds after the transaction, as read for a decision that ends the episode
        List<CommunicationRequest> reminders = new ArrayList<>(before.reminders());
        for (var entry : tx.getEntry()) {
            if (entry.getResource() instanceof CommunicationRequest r && entry.getRequest().getMethod() == Bundle.HTTPVerb.POST) {
                CommunicationRequest stored = r.copy();
                stored.setId(new IdType("CommunicationRequest/r" + (reminders.size() + 1)));
                stored.getMeta().setVersionId("1");
                reminders.add(stored);
            } else if (entry.getResource() instanceof CommunicationRequest r) {
                CommunicationRequest updated = r.copy();
                updated.setId(new IdType(entry.getRequest().getUrl()));
                reminders.replaceAll(held -> held.getIdElement().toUnqualifiedVersionless().getValue()
                        .equals(entry.getRequest().getUrl()) ? updated : held);
            }
        }
        return new HeldEpisode(sr, tasks, IN_EHR, before.orderers(), orders, Set.of(), before.patient(), reminders);
    }

    static List<SingleValidationMessage> errors(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return VALIDATOR.validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
    }

    /** A conditional create's query as a server reads it: URL-decoded (ConditionalUrl encodes every value). */
    static String query(String ifNoneExist) {
        return java.net.URLDecoder.decode(ifNoneExist, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Nothing written yet for the episode. */
    static HeldEpisode none(Set<String> observations, List<String> orderers, Set<String> clinicians) {
        return new HeldEpisode(null, List.of(), observations, orderers, List.of(), clinicians, PatientContact.UNREAD, List.of());
    }
}
