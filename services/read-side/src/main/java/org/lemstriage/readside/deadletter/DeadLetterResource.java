package org.lemstriage.readside.deadletter;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.readside.trail.ReadAuditTrail;
import org.lemstriage.model.kafka.DeadLetterReplay;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's API (bearer token, role operator): the dead-letter topics as {@link DeadLetterListing} shows them, and
 * replays of one record or of every record of a topic not replayed before. deploy/operator/dead-letters calls it.
 */
@Path("/operator/dead-letters")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(DeadLetterResource.OPERATOR)
public class DeadLetterResource {
    public static final String OPERATOR = "operator";
    static final int MAX_LIMIT = 1000;

    /**
     * What a replay of several records did: how many records ended in each state, each record's outcome, and how many
     * records not replayed before are left for the next request.
     */
    public record Replay(Map<DeadLetterReplays.State, Integer> counts, List<DeadLetterReplays.Outcome> records, int left) {
        public static Replay of(DeadLetterReplays.Batch batch) {
            Map<DeadLetterReplays.State, Integer> counts = new TreeMap<>();
            batch.outcomes().forEach(o -> counts.merge(o.state(), 1, Integer::sum));
            return new Replay(counts, batch.outcomes(), batch.left());
        }
    }

    private final DeadLetterListing listing;
    private final DeadLetterReplays replays;
    private final SecurityIdentity identity;

    public DeadLetterResource(DeadLetterListing listing, DeadLetterReplays replays, SecurityIdentity identity) {
        this.listing = listing;
        this.replays = replays;
        this.identity = identity;
    }

    @GET
    public List<DeadLetterListing.TopicListing> list(@QueryParam("limit") @DefaultValue("100") int limit) throws SQLException {
        return listing.all(limit(limit));
    }

    @GET
    @Path("{topic}")
    public DeadLetterListing.TopicListing topic(@PathParam("topic") String topic, @QueryParam("limit") @DefaultValue("100") int limit)
            throws SQLException {
        return listing.of(deadLetterTopic(topic), limit(limit));
    }

    @POST
    @Path("{topic}/{partition}/{offset}/replay")
    public Response one(@PathParam("topic") String topic, @PathParam("partition") int partition, @PathParam("offset") long offset)
            throws SQLException {
        DeadLetterReplays.Outcome outcome = replays.one(deadLetterTopic(topic), partition, offset, operator(identity));
        return Response.status(status(outcome.state())).entity(outcome).build();
    }

    /** 200 when every record was replayed or had been; 207 (Multi-Status) when one failed or could not be replayed. */
    @POST
    @Path("{topic}/replay")
    public Response all(@PathParam("topic") String topic) throws SQLException {
        Replay replay = Replay.of(replays.all(deadLetterTopic(topic), operator(identity)));
        boolean allWell = replay.records().stream().allMatch(o -> status(o.state()) == 200);
        return Response.status(allWell ? 200 : 207).entity(replay).build();
    }

    /** Who asks, as their token names them (the same agent a read's AuditEvent names). */
    public static Reference operator(SecurityIdentity identity) {
        return ReadAuditTrail.person((JsonWebToken) identity.getPrincipal());
    }

    static int status(DeadLetterReplays.State state) {
        return switch (state) {
            case REPLAYED, ALREADY_REPLAYED -> 200;
            case NOT_FOUND -> 404;
            case NOT_REPLAYABLE -> 422;
            case FAILED -> 503;
        };
    }

    private static String deadLetterTopic(String topic) {
        if (!DeadLetterReplay.ORIGINS.containsKey(topic)) {
            throw new jakarta.ws.rs.NotFoundException(Response.status(404).type(MediaType.TEXT_PLAIN)
                    .entity("Not a dead-letter topic: one of " + DeadLetterReplay.ORIGINS.keySet().stream().sorted().toList()).build());
        }
        return topic;
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new jakarta.ws.rs.BadRequestException(Response.status(400).type(MediaType.TEXT_PLAIN)
                    .entity("Parameter 'limit': between 1 and " + MAX_LIMIT).build());
        }
        return limit;
    }
}
