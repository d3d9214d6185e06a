package org.lemstriage.audit.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.lemstriage.audit.deadletter.DeadLetterListing;
import org.lemstriage.audit.deadletter.DeadLetterReplays;
import org.lemstriage.audit.deadletter.DeadLetterResource;
import org.lemstriage.model.kafka.DeadLetterReplay;

import java.sql.SQLException;
import java.util.List;

/**
 * The operator's view of what failed (role operator): each dead-letter topic's latest records with their reasons, and
 * a replay of one record or of a whole topic, each after a confirmation page. No key or value is shown: they name
 * patients. The forms post to this origin only (the console's form-action policy) with the session cookie, which the
 * provider's SameSite setting keeps off other sites' posts.
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
                                   @FormParam("offset") String offset) throws SQLException {
        deadLetterTopic(topic);
        List<DeadLetterReplays.Outcome> outcomes = ConsoleInput.blank(partition) && ConsoleInput.blank(offset)
                ? replays.all(topic, DeadLetterResource.operator(identity))
                : List.of(replays.one(topic, (int) number("partition", partition), number("offset", offset), DeadLetterResource.operator(identity)));
        return Templates.replayed(new ReplayResult(ConsoleUser.of(identity), topic, DeadLetterResource.Replay.of(outcomes)));
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
