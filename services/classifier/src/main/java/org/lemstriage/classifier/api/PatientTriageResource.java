package org.lemstriage.classifier.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.lemstriage.classifier.kafka.TriageTopology;
import org.lemstriage.classifier.rules.PatientEvidence;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;

import java.net.http.HttpResponse;
import java.util.List;

/**
 * {@code GET /patients/{key}/triage}: one patient's current evidence, tier, explanation and decision history, read
 * from this instance's state store (interactive query). The key is the patient key, e.g. {@code Patient/123}.
 * With several classifier instances a patient's state lives on one of them: any instance answers, asking the one
 * that holds the patient when that is another ({@link TriageInstances}); header {@value TriageInstances#ANSWERED_BY}
 * names the instance whose state the answer comes from.
 *
 * <p>The view is patient data: it needs a bearer JWT from the hospital's authorization server (verified by
 * smallrye-jwt against {@code mp.jwt.verify.publickey.location}, issuer when set) whose scope includes
 * {@value #READ_SCOPE}: 401 without a valid token, 403 without the scope, before anything is looked up (a 404 would
 * tell who was ever tested).
 */
@Path("/patients")
@RolesAllowed(PatientTriageResource.READ_SCOPE)
public class PatientTriageResource {
    /** The scope that lets a client read triage views (the token's scope claim is read as its groups). */
    public static final String READ_SCOPE = "lemstriage.triage.read";

    private final KafkaStreams streams;
    private final Ruleset ruleset;
    private final TriageInstances instances;

    public PatientTriageResource(KafkaStreams streams, Ruleset ruleset, TriageInstances instances) {
        this.streams = streams;
        this.ruleset = ruleset;
        this.instances = instances;
    }

    @GET
    @Path("/{key: .+}/triage")
    @Produces(MediaType.APPLICATION_JSON)
    public Response triage(@PathParam("key") String key, @HeaderParam("Authorization") String authorization,
                           @HeaderParam(TriageInstances.FORWARDED) String forwardedBy) throws InterruptedException {
        HostInfo owner = instances.owner(key).orElseThrow(() -> new ServiceUnavailableException(
                "no classifier instance holds this patient's state yet (starting or rebalancing); retry shortly"));
        if (owner.equals(instances.self())) {
            return Response.ok(view(key)).header(TriageInstances.ANSWERED_BY, TriageInstances.address(owner)).build();
        }
        if (forwardedBy != null) {
            // The two instances disagree on who holds the key: a rebalance is under way. Never pass it on again
            throw new ServiceUnavailableException("this patient's state is moving between classifier instances; retry shortly");
        }
        try {
            HttpResponse<String> answer = instances.ask(owner, key, authorization);
            return Response.status(answer.statusCode()).entity(answer.body()).type(MediaType.APPLICATION_JSON)
                    .header(TriageInstances.ANSWERED_BY, answer.headers().firstValue(TriageInstances.ANSWERED_BY)
                            .orElse(TriageInstances.address(owner))).build();
        } catch (java.io.IOException e) {
            throw new ServiceUnavailableException("the classifier instance that holds this patient ("
                    + TriageInstances.address(owner) + ") does not answer; retry shortly");
        }
    }

    private TriageView view(String key) {
        PatientTriage state;
        try {
            ReadOnlyKeyValueStore<String, PatientTriage> store = streams.store(StoreQueryParameters.fromNameAndType(
                    TriageTopology.PATIENT_STORE, QueryableStoreTypes.keyValueStore()));
            state = store.get(key);
        } catch (InvalidStateStoreException e) {
            throw new ServiceUnavailableException("the triage state is being restored or rebalanced; retry shortly");
        }
        if (state == null) {
            throw new NotFoundException("no triage state for " + key);
        }
        PatientEvidence evidence = ruleset.read(key, List.copyOf(state.results().values()), state.context(),
                state.episode() == null ? null : state.episode().episodeId());
        Ruleset.Assessment now = ruleset.assess(evidence);
        return new TriageView(key, now.tier(), now.screening(), now.explanation(), now.rulesFired(), now.context(),
                state.context() == null ? null : state.context().reason(),
                state.context() == null ? null : state.context().readAt(), now.deltaP(), now.deltaPScore(),
                evidence.results().stream().map(r -> new ResultView(r.result(), r.reading() == null ? null
                        : r.reading().result(), r.reading() == null ? null : r.reading().basis(), r.decisive())).toList(),
                state.episode() == null || state.episode().closure() != null ? null : state.episode().episodeId(),
                state.episode() == null ? 0 : state.episode().version(), episode(state.episode()), state.nextReview(),
                state.history());
    }

    /**
     * The episode's lifecycle: its rounds and where each stands, how it ended, what clinicians were asked and why the
     * plan waits.
     */
    private static EpisodeView episode(PatientTriage.Episode e) {
        return e == null ? null : new EpisodeView(e.episodeId(), e.version(), e.kind(), e.tier(), e.start(), e.plan(),
                e.plan().stream().filter(r -> r.state() == TriageDecision.RoundState.OVERDUE).map(TriageDecision.ScreeningRound::round).toList(),
                e.closure() == null ? "OPEN" : "CLOSED", e.closure(), e.requests(), e.hold());
    }

    /**
     * What the classifier holds and concludes for one patient.
     *
     * @param openEpisode the running episode's id, null when none runs (never opened, retracted or closed)
     * @param episode     the episode's lifecycle: rounds and their state, overdue rounds, how it ended
     * @param contextReadAt when the EHR's clinical context held was read (or found unreadable)
     * @param nextReview  when a running surveillance next reads the EHR again
     */
    public record TriageView(String patientKey, TriageDecision.Tier tier, boolean screening, String explanation,
                             List<String> rulesFired, TriageDecision.ContextStatus context, String contextReason,
                             java.time.Instant contextReadAt,
                             List<DeltaPItem> deltaP, int deltaPScore, List<ResultView> results, String openEpisode,
                             int episodeVersion, EpisodeView episode, java.time.Instant nextReview,
                             List<PatientTriage.DecisionSummary> history) {
    }

    /**
     * One episode: its kind, tier and start, each round with its window and state, the overdue ones, its end, what
     * clinicians are asked and why its plan waits.
     */
    public record EpisodeView(String episodeId, int version, TriageDecision.EpisodeKind kind, TriageDecision.Tier tier,
                              java.time.LocalDate start, List<TriageDecision.ScreeningRound> rounds, List<Integer> overdue,
                              String status, TriageDecision.Closure closure, List<ClinicianRequest> requests,
                              TriageDecision.Hold hold) {
    }

    public record ResultView(LabResult result, LabResult.Qualitative reading, String basis, boolean decisive) {
    }
}
