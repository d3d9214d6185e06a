package org.lemstriage.readside.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.lemstriage.readside.deadletter.DeadLetterListing;
import org.lemstriage.readside.deadletter.DeadLetterReplays;
import org.lemstriage.readside.deadletter.DeadLetterResource;
import org.lemstriage.model.kafka.DeadLetterReplay;

import java.sql.SQLException;
import java.util.List;

/**
 * The operator's view of what failed (role operator): each dead-letter topic's latest records with their reasons, and
 * a replay of one record or of a whole topic, each after a confirmation page. No key or value is shown: they name
 * patients. A replay is a form posted from the confirmation page, accepted only with an Origin naming this host.
 */
@Path("/console/dead-letters")
@Blocking
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(ConsoleUser.OPERATOR)
public class DeadLetterPage {
    static final int SHOWN = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance deadLetters(ConsoleUser user, List<DeadLetterListing.TopicListing> topics, int shown);

        static native TemplateInstance confirm(ConsoleUser user, String topic, String partition, String offset, String origins);

        static native TemplateInstance replayed(ReplayResult result);
    }

    /** The replay's outcome for the result page. */
    record ReplayResult(ConsoleUser user, String topic, DeadLetterResource.Replay replay) {
    }

    private final DeadLetterListing listing;
    private final DeadLetterReplays replays;
    private final SecurityIdentity identity;

    public DeadLetterPage(DeadLetterListing listing, DeadLetterReplays replays, SecurityIdentity identity) {
        this.listing = listing;
        this.replays = replays;
        this.identity = identity;
    }

    @GET
    public TemplateInstance list() throws SQLException {
        return Templates.deadLetters(ConsoleUser.of(identity), listing.all(SHOWN), SHOWN);
    }

    /** Asks before a replay: of one record when partition and offset are given, else of the whole topic. */
    @GET
    @Path("confirm")
    public TemplateInstance confirm(@QueryParam("topic") String topic, @QueryParam("partition") String partition,
                                    @QueryParam("offset") String offset) {
        deadLetterTopic(topic);
        boolean one = !ConsoleInput.blank(partition) || !ConsoleInput.blank(offset);
        return Templates.confirm(ConsoleUser.of(identity), topic, one ? String.valueOf(number("partition", partition)) : "",
                one ? String.valueOf(number("offset", offset)) : "", String.join(", ", DeadLetterReplay.ORIGINS.get(topic).stream().sorted().toList()));
    }

    @POST
    @Path("replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance replay(@FormParam("topic") String topic, @FormParam("partition") String partition,
                                   @FormParam("offset") String offset, @HeaderParam("Origin") String origin,
                                   @HeaderParam("Host") String host) throws SQLException {
        sameOrigin(origin, host);
        deadLetterTopic(topic);
        DeadLetterReplays.Batch batch = ConsoleInput.blank(partition) && ConsoleInput.blank(offset)
                ? replays.all(topic, DeadLetterResource.operator(identity))
                : new DeadLetterReplays.Batch(List.of(replays.one(topic, (int) number("partition", partition), number("offset", offset),
                DeadLetterResource.operator(identity))), 0);
        return Templates.replayed(new ReplayResult(ConsoleUser.of(identity), topic, DeadLetterResource.Replay.of(batch)));
    }

    /**
     * A replay is posted from the console's own confirmation page only: the browser's Origin must name this host (as
     * the Host header does, which an ingress passes on). SameSite Lax keeps the session off other sites' posts, but
     * not off a sibling application's on the same site.
     */
    private static void sameOrigin(String origin, String host) {
        String authority = null;
        try {
            authority = origin == null ? null : java.net.URI.create(origin.strip()).getRawAuthority();
        } catch (IllegalArgumentException e) {
            // not a URI: refused below
        }
        if (authority == null || host == null || !authority.equalsIgnoreCase(host.strip())) {
            throw new jakarta.ws.rs.ForbiddenException(jakarta.ws.rs.core.Response.status(403).type(MediaType.TEXT_PLAIN)
                    .entity("A replay is asked from the console's own page only (its Origin header names another site, or none)").build());
        }
    }

    private static void deadLetterTopic(String topic) {
        if (topic == null || !DeadLetterReplay.ORIGINS.containsKey(topic)) {
            throw ConsoleInput.invalid("topic", "not a dead-letter topic");
        }
    }

    private static long number(String parameter, String value) {
        try {
            long n = Long.parseLong(value == null ? "" : value.strip());
            if (n < 0 || ("partition".equals(parameter) && n > Integer.MAX_VALUE)) {
                throw ConsoleInput.invalid(parameter, "out of range");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ConsoleInput.invalid(parameter, "not a number");
        }
    }
}
