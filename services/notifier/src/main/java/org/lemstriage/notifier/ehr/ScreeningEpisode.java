package org.lemstriage.notifier.ehr;

import org.lemstriage.model.fhir.EhrIdentifiers;

import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.notifier.NotifierConfig;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one screening episode should look like in the EHR after a decision (docs/design.md, "The EHR contract"): a
 * ServiceRequest for the episode, a Task per screening round sharing Task.groupIdentifier, per round a CT thorax and
 * an FDG-PET ServiceRequest (ruleset 2.0), and a Provenance naming lems-triage and the decision.
 * {@link EpisodeTransaction} turns it into writes against what already exists.
 */
@ApplicationScoped
public class ScreeningEpisode {
    /** The decision version last applied to the episode, kept on its ServiceRequest: older decisions change nothing. */
    public static final String DECISION_VERSION = "https://lemstriage.org/fhir/StructureDefinition/triage-decision-version";
    /** Task.note.authorString of what lems-triage writes there: the team's own notes are kept. */
    static final String LEMS_TRIAGE = "lems-triage";
    /**
     * FDG-PET/CT: SNOMED CT 443271005 |Positron emission tomography with computed tomography using fluorodeoxyglucose
     * (18-F)| and LOINC 81555-5 (PT+CT whole body tumour localisation with 18F-FDG IV), codes that name the tracer and
     * the CT (SNOMED CT 82918005 names neither).
     */
    private static final Coding FDG_PET_CT_SNOMED = new Coding("http://snomed.info/sct", "443271005",
            "Positron emission tomography with computed tomography using fluorodeoxyglucose (18-F)");
    private static final Coding FDG_PET_CT_LOINC = new Coding("http://loinc.org", "81555-5", "PT+CT Whole body Tum loc W 18F-FDG IV");
    private static final Coding CT_CHEST_LOINC = new Coding("http://loinc.org", "24627-2", "CT Chest");
    private static final Coding CT_CHEST_SNOMED = new Coding("http://snomed.info/sct", "169069000", "Computed tomography of chest");
    /** A FHIR id: only such references are written as literal references. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final Reference worklist;

    @jakarta.inject.Inject
    public ScreeningEpisode(NotifierConfig config) {
        this(config.worklist());
    }

    public ScreeningEpisode(String worklist) {
        this.worklist = new Reference(worklist);
    }

    public ServiceRequest serviceRequest(TriageDecision decision, Set<String> inEhr) {
        ServiceRequest sr = new ServiceRequest();
        sr.addIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decision.episodeId()));
        sr.addExtension(DECISION_VERSION, new IntegerType(decision.version()));
        // A clinician-review episode, or one waiting for a confirmation (ruleset 3.0), only proposes the CT
        boolean review = decision.episodeKind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW
                || (decision.closure() == null && decision.hold() == TriageDecision.Hold.CONFIRMATION);
        sr.setStatus(status(decision, review));
        sr.setIntent(review ? ServiceRequest.ServiceRequestIntent.PROPOSAL : ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setPriority(decision.tier() == TriageDecision.Tier.HIGH
                ? ServiceRequest.ServiceRequestPriority.URGENT : ServiceRequest.ServiceRequestPriority.ROUTINE);
        sr.setCode(new CodeableConcept()
                .addCoding(CT_CHEST_LOINC.copy()).addCoding(CT_CHEST_SNOMED.copy())
                .setText("CT thorax; FDG-PET if the CT is negative"));
        sr.setSubject(PatientKey.toReference(decision.patientKey()));
        sr.setReasonReference(observations(decision, inEhr));
        sr.addNote(new Annotation().setText(decision.explanation()));
        return sr;
    }

    /**
     * Withdrawn (RETRACT, a tumour recorded: the remaining scans are not needed, or a clinician declined), completed
     * (the surveillance), a draft for a clinician-review episode or one waiting for a confirmation (it only proposes
     * the CT: a clinician decides whether to order it), on hold while a clinician decides on imaging, else active.
     */
    private static ServiceRequest.ServiceRequestStatus status(TriageDecision decision, boolean review) {
        if (decision.action() == TriageDecision.Action.RETRACT) {
            return ServiceRequest.ServiceRequestStatus.REVOKED;
        }
        if (decision.closure() != null) {
            return decision.closure().reason() == TriageDecision.Closure.Reason.SURVEILLANCE_COMPLETE
                    ? ServiceRequest.ServiceRequestStatus.COMPLETED : ServiceRequest.ServiceRequestStatus.REVOKED;
        }
        if (decision.hold() == TriageDecision.Hold.CLINICIAN_DECISION) {
            return ServiceRequest.ServiceRequestStatus.ONHOLD;
        }
        return review ? ServiceRequest.ServiceRequestStatus.DRAFT : ServiceRequest.ServiceRequestStatus.ACTIVE;
    }

    /**
     * The Task of one round: requested once the round is due, on hold until then. It focuses on the round's CT order
     * and is based on the episode's ServiceRequest.
     */
    public Task task(TriageDecision decision, ScreeningRound round, Reference episodeRequest, Reference ctOrder, Set<String> inEhr) {
        Task task = newTask(decision, ctOrder, EhrIdentifiers.ROUND, EhrIdentifiers.round(decision.episodeId(), round.round()),
                due(round) ? Task.TaskStatus.REQUESTED : Task.TaskStatus.ONHOLD, "oncology-screening", "Oncology screening");
        applyDecision(task, decision, round, episodeRequest, ctOrder, inEhr);
        return task;
    }

    /**
     * The CT thorax of one round (ruleset 2.0), an order a radiology system can schedule: on hold while the round is
     * planned, active once it is due; one of the episode's orders (requisition) under its ServiceRequest (basedOn).
     */
    public ServiceRequest ctOrder(TriageDecision decision, ScreeningRound round, Reference episodeRequest, Set<String> inEhr) {
        ServiceRequest order = newOrder(decision, EhrIdentifiers.ctOrder(decision.episodeId(), round.round()), episodeRequest,
                new CodeableConcept().addCoding(CT_CHEST_LOINC.copy()).addCoding(CT_CHEST_SNOMED.copy()).setText("CT thorax"));
        applyCtOrder(order, decision, round, inEhr);
        return order;
    }

    /**
     * The FDG-PET/CT of one round (ruleset 2.0; EFNS 2011: FDG-PET if the CT is negative): on hold until the classifier
     * orders it, once the round's CT was recorded as negative; then active.
     */
    public ServiceRequest petOrder(TriageDecision decision, ScreeningRound round, Reference episodeRequest, Set<String> inEhr) {
        ServiceRequest order = newOrder(decision, EhrIdentifiers.petOrder(decision.episodeId(), round.round()), episodeRequest,
                petCode());
        applyPetOrder(order, decision, round, inEhr);
        return order;
    }

    private static CodeableConcept petCode() {
        return new CodeableConcept().addCoding(FDG_PET_CT_SNOMED.copy()).addCoding(FDG_PET_CT_LOINC.copy())
                .setText("FDG-PET/CT (fluorodeoxyglucose PET with CT), after a negative CT thorax");
    }

    /** What a round's two orders share: identifier, the episode as requisition and basedOn, patient, intent, code. */
    private static ServiceRequest newOrder(TriageDecision decision, String identifier, Reference episodeRequest, CodeableConcept code) {
        ServiceRequest order = new ServiceRequest();
        order.addIdentifier(new Identifier().setSystem(EhrIdentifiers.ORDER).setValue(identifier));
        order.setRequisition(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decision.episodeId()));
        order.addBasedOn(episodeRequest);
        order.setStatus(ServiceRequest.ServiceRequestStatus.ONHOLD);
        order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        order.setCode(code);
        order.setSubject(PatientKey.toReference(decision.patientKey()));
        order.setAuthoredOn(Date.from(decision.decidedAt()));
        return order;
    }

    /** The fields a decision sets on a round's CT order, also on one that exists: an on-hold order that fell due is released. */
    public void applyCtOrder(ServiceRequest order, TriageDecision decision, ScreeningRound round, Set<String> inEhr) {
        applyOrder(order, decision, round, due(round), "CT thorax", inEhr);
    }

    /**
     * The fields a decision sets on a round's PET order: released once the classifier ordered it. A waiting order
     * written before ruleset 3.0 gets the FDG-PET/CT code.
     */
    public void applyPetOrder(ServiceRequest order, TriageDecision decision, ScreeningRound round, Set<String> inEhr) {
        if (order.getStatus() == ServiceRequest.ServiceRequestStatus.ONHOLD) {
            order.setCode(petCode());
        }
        applyOrder(order, decision, round, round.petOrdered(), "FDG-PET, because the CT thorax was negative", inEhr);
    }

    private static void applyOrder(ServiceRequest order, TriageDecision decision, ScreeningRound round, boolean release,
                                   String what, Set<String> inEhr) {
        if (release && order.getStatus() == ServiceRequest.ServiceRequestStatus.ONHOLD) {
            order.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        }
        boolean overdue = round.state() == TriageDecision.RoundState.OVERDUE;
        order.setPriority(decision.tier() == TriageDecision.Tier.HIGH
                ? (overdue ? ServiceRequest.ServiceRequestPriority.ASAP : ServiceRequest.ServiceRequestPriority.URGENT)
                : (overdue ? ServiceRequest.ServiceRequestPriority.URGENT : ServiceRequest.ServiceRequestPriority.ROUTINE));
        order.setOccurrence(window(round));
        order.setReasonReference(observations(decision, inEhr));
        order.getNote().removeIf(ScreeningEpisode::byLemsTriage);
        order.addNote(new Annotation().setAuthor(new org.hl7.fhir.r4.model.StringType(LEMS_TRIAGE)).setText("Screening round "
                + round.round() + " of " + decision.plan().size() + ": " + what + ". " + decision.explanation()));
    }

    /** A note lems-triage wrote: it replaces its own, and keeps everyone else's. */
    static boolean byLemsTriage(Annotation note) {
        return note.hasAuthorStringType() && LEMS_TRIAGE.equals(note.getAuthorStringType().getValue());
    }

    private static Period window(ScreeningRound round) {
        return new Period().setStart(Date.from(round.dueFrom().atStartOfDay(ZoneOffset.UTC).toInstant()))
                .setEnd(Date.from(round.dueTo().atStartOfDay(ZoneOffset.UTC).toInstant()));
    }

    /** What every Task of an episode has: its business identifier, the episode's group, patient, focus and code. */
    private static Task newTask(TriageDecision decision, Reference serviceRequest, String system, String identifier,
                                Task.TaskStatus status, String code, String display) {
        Task task = new Task();
        task.addIdentifier(new Identifier().setSystem(system).setValue(identifier));
        task.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decision.episodeId()));
        task.setStatus(status);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept().addCoding(new Coding(EhrIdentifiers.TASK_CODE_SYSTEM, code, display)).setText(display));
        task.setFor(PatientKey.toReference(decision.patientKey()));
        task.setFocus(serviceRequest);
        task.setAuthoredOn(Date.from(decision.decidedAt()));
        return task;
    }

    /**
     * The one Task of a clinician-review episode (ruleset 2.0, an old positive result): requested, routine, no due
     * window, for the worklist to review what was found and when.
     */
    public Task reviewTask(TriageDecision decision, Reference serviceRequest, Set<String> inEhr) {
        Task task = newTask(decision, serviceRequest, EhrIdentifiers.REVIEW, EhrIdentifiers.review(decision.episodeId()),
                Task.TaskStatus.REQUESTED, "clinician-review", "Clinician review of an antibody result");
        applyReview(task, decision, inEhr);
        return task;
    }

    /**
     * The Task that says the episode ended (ruleset 2.0): screening ended because a tumour was recorded (naming the
     * Condition), or the two-year surveillance is complete and a clinician should re-evaluate if symptoms return.
     */
    /** The closing Task, with the explanation of the decision that closed the episode as its description. */
    public Task closingTask(TriageDecision decision, Reference serviceRequest) {
        var reason = decision.closure().reason();
        Task task = newTask(decision, serviceRequest, EhrIdentifiers.CLOSING, EhrIdentifiers.closing(decision.episodeId()),
                Task.TaskStatus.REQUESTED, switch (reason) {
                    case TUMOUR_RECORDED -> "screening-ended-tumour-recorded";
                    case SURVEILLANCE_COMPLETE -> "surveillance-complete";
                    case CLINICIAN_DECLINED -> "screening-ended-clinician-declined";
                }, switch (reason) {
                    case TUMOUR_RECORDED -> "Screening ended: tumour recorded";
                    case SURVEILLANCE_COMPLETE -> "Two-year surveillance complete: review";
                    case CLINICIAN_DECLINED -> "Screening ended: a clinician declined";
                });
        applyClosing(task, decision);
        task.setDescription(decision.explanation());
        return task;
    }

    /**
     * The fields a decision sets on the closing Task, also on one that exists. Not its description: a later decision
     * about the closed episode (a result after the closing) asks its own question and leaves why it closed as it was.
     */
    public void applyClosing(Task task, TriageDecision decision) {
        task.setPriority(Task.TaskPriority.ROUTINE);
        // The Condition was read from the EHR: it exists there
        String reference = decision.closure().reference();
        task.setReasonReference(reference == null || !reference.startsWith("Condition/") ? null : new Reference(reference));
        task.setOwner(worklist);
    }

    /**
     * A Task that asks a clinician something (ruleset 3.0): requested, for the worklist or the clinician the request
     * names when the EHR knows them ({@code clinicians}), about the resource it names where the EHR holds it.
     */
    public Task requestTask(TriageDecision decision, ClinicianRequest request, Reference serviceRequest, Set<String> inEhr,
                            Set<String> clinicians) {
        Task task = newTask(decision, serviceRequest, EhrIdentifiers.REVIEW, EhrIdentifiers.request(decision.episodeId(), request.id()),
                Task.TaskStatus.REQUESTED, request.kind().code(), request.kind().display());
        applyRequest(task, decision, request, inEhr, clinicians);
        return task;
    }

    /**
     * The fields a decision sets on a request Task, also on one that exists: never its status. A question the whole
     * plan waits for (a confirmation, an imaging decision) has the tier's priority; the others are routine.
     */
    public void applyRequest(Task task, TriageDecision decision, ClinicianRequest request, Set<String> inEhr, Set<String> clinicians) {
        boolean planWaits = request.kind() == ClinicianRequest.Kind.CONFIRM_LOW_TITRE || request.kind() == ClinicianRequest.Kind.IMAGING_DECISION;
        task.setPriority(planWaits && decision.tier() == TriageDecision.Tier.HIGH ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
        String about = request.about();
        task.setReasonReference(about != null && (about.startsWith("Condition/") || inEhr.contains(about)) ? new Reference(about) : null);
        task.setOwner(request.owner() != null && clinicians.contains(request.owner()) ? new Reference(request.owner()) : worklist);
        task.setDescription(request.text());
    }

    /** The fields a decision sets on a review Task, also on one that exists: never its status or authoredOn. */
    public void applyReview(Task task, TriageDecision decision, Set<String> inEhr) {
        task.setPriority(Task.TaskPriority.ROUTINE);
        List<Reference> observations = observations(decision, inEhr);
        task.setReasonReference(observations.isEmpty() ? null : observations.get(0));
        task.setOwner(worklist);
        task.setDescription(decision.explanation());
    }

    /**
     * Whether a round is released to the worklist. Ruleset 2.0 says so in its state; a decision written before has
     * none, and then round 1 is released and the rest wait.
     */
    private static boolean due(ScreeningRound round) {
        return round.state() == null ? round.round() == 1 : round.state() != TriageDecision.RoundState.PLANNED;
    }

    /**
     * The fields a decision sets on a round's Task, also on one that exists (never its authoredOn): an on-hold round
     * that fell due is released; an overdue round's priority goes one step up and its note tells the worklist why.
     */
    public void applyDecision(Task task, TriageDecision decision, ScreeningRound round, Reference episodeRequest,
                              Reference ctOrder, Set<String> inEhr) {
        Task.TaskPriority priority = decision.tier() == TriageDecision.Tier.HIGH ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE;
        boolean overdue = round.state() == TriageDecision.RoundState.OVERDUE;
        if (due(round) && task.getStatus() == Task.TaskStatus.ONHOLD) {
            task.setStatus(Task.TaskStatus.REQUESTED);
        }
        task.setPriority(overdue ? (priority == Task.TaskPriority.ROUTINE ? Task.TaskPriority.URGENT : Task.TaskPriority.ASAP) : priority);
        task.getNote().removeIf(ScreeningEpisode::byLemsTriage);
        if (overdue) {
            task.addNote(new Annotation().setAuthor(new org.hl7.fhir.r4.model.StringType(LEMS_TRIAGE)).setText("Overdue: the window of "
                    + "screening round " + round.round() + " ended on " + round.dueTo() + " without the round completed; "
                    + "priority raised to " + task.getPriority().toCode() + " by lems-triage (decision " + decision.decisionId() + ")."));
        }
        List<Reference> observations = observations(decision, inEhr);
        // R4 Task.reasonReference is 0..1: the first result here, all of them on the ServiceRequest
        task.setReasonReference(observations.isEmpty() ? null : observations.get(0));
        task.setOwner(worklist);
        task.setDescription("Screening round " + round.round() + " of " + decision.plan().size() + ": "
                + round.procedure() + ". " + decision.explanation());
        task.getRestriction().setPeriod(window(round));
        // Tasks written before rounds had orders focus on the episode's ServiceRequest: they move to the round's CT
        task.setFocus(ctOrder);
        task.setBasedOn(List.of(episodeRequest));
    }

    /**
     * Ruleset 2.0: the clinician who asked for the antibody result hears what lems-triage did with it, in the same
     * words as the worklist: a Communication (notification) to that Practitioner or PractitionerRole about the
     * episode's ServiceRequest.
     */
    public Communication notice(TriageDecision decision, String orderer, Reference serviceRequest, Set<String> inEhr) {
        Communication notice = new Communication();
        notice.addIdentifier(new Identifier().setSystem(EhrIdentifiers.NOTICE).setValue(EhrIdentifiers.notice(decision.episodeId(), orderer)));
        notice.setStatus(Communication.CommunicationStatus.COMPLETED);
        notice.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/communication-category",
                "notification", "Notification")));
        notice.setPriority(decision.tier() == TriageDecision.Tier.HIGH ? Communication.CommunicationPriority.URGENT
                : Communication.CommunicationPriority.ROUTINE);
        notice.setSubject(PatientKey.toReference(decision.patientKey()));
        notice.addAbout(serviceRequest);
        notice.setSent(Date.from(decision.decidedAt()));
        notice.addRecipient(new Reference(orderer));
        notice.setSender(lemsTriage());
        notice.setReasonReference(observations(decision, inEhr));
        String what = decision.episodeKind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW
                ? "asked the oncology worklist for a clinician review"
                : decision.hold() == TriageDecision.Hold.CONFIRMATION ? "asked a clinician to confirm before tumour screening"
                : decision.hold() == TriageDecision.Hold.CLINICIAN_DECISION ? "planned tumour screening, its imaging held for a clinician's decision"
                : "opened tumour screening on the oncology worklist";
        notice.addPayload().setContent(new org.hl7.fhir.r4.model.StringType("For a result you ordered, lems-triage "
                + what + ". " + decision.explanation()));
        return notice;
    }

    private static Reference lemsTriage() {
        return new Reference().setType("Device").setDisplay("lems-triage")
                .setIdentifier(new Identifier().setSystem(AuditEvents.SOFTWARE_SYSTEM).setValue("lems-triage"));
    }

    /** lems-triage wrote the targets, on the strength of the decision. */
    public Provenance provenance(TriageDecision decision, List<Reference> targets) {
        Provenance provenance = new Provenance();
        provenance.setTarget(targets);
        provenance.setRecorded(Date.from(decision.decidedAt()));
        provenance.addReason().setText(decision.action() + " " + decision.tier() + ", ruleset " + decision.rulesetVersion());
        provenance.addAgent()
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                        "author", "Author")))
                .setWho(lemsTriage());
        provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference().setDisplay("lems-triage decision " + decision.decisionId())
                        .setIdentifier(new Identifier().setSystem(EhrIdentifiers.DECISION).setValue(decision.decisionId())));
        return provenance;
    }

    /**
     * The antibody results, as literal references where the EHR holds them ({@code inEhr}); a result the EHR does not
     * hold (sent by a lab system, or with an id the sender made up) is named, not referenced: a server that enforces
     * referential integrity would refuse a reference to nothing.
     */
    private static List<Reference> observations(TriageDecision decision, Set<String> inEhr) {
        return decision.evidence().stream().map(TriageDecision.Evidence::observationReference).distinct()
                .map(ref -> inEhr.contains(ref) ? new Reference(ref)
                        : ref.startsWith("Condition/") ? new Reference().setType("Condition").setDisplay("LEMS diagnosis " + ref)
                        : new Reference().setType("Observation").setDisplay("Antibody result " + ref))
                .toList();
    }

    /** The results a decision cites that could be resources of the EHR of this type: FHIR ids only. */
    public static List<String> ids(TriageDecision decision, String type) {
        return decision.evidence().stream().map(TriageDecision.Evidence::observationReference).distinct()
                .filter(ref -> ref.startsWith(type + "/")).map(ref -> ref.substring(type.length() + 1))
                .filter(id -> FHIR_ID.matcher(id).matches()).toList();
    }
}
