package org.lemstriage.classifier.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import org.lemstriage.classifier.ClockConfig;
import org.lemstriage.model.TriageClock;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code /test/clock}: the classifier's time, and (test only, with {@code lemstriage.clock.adjustable=true}) a way to
 * move it forward, so end-to-end tests see rounds fall due, pass and complete in seconds. Off, it answers 404.
 */
@Path("/test/clock")
@Produces(MediaType.APPLICATION_JSON)
public class TestClockResource {
    private final TriageClock clock;
    private final ClockConfig config;

    public TestClockResource(TriageClock clock, ClockConfig config) {
        this.clock = clock;
        this.config = config;
    }

    @GET
    public Now now() {
        enabled();
        return new Now(clock.instant());
    }

    /** Moves the time forward by an ISO-8601 duration in days or less ({@code P60D}, {@code PT12H}). */
    @POST
    @Path("/advance")
    public Now advance(@QueryParam("by") String by) {
        enabled();
        try {
            return new Now(clock.advance(Duration.parse(by)));
        } catch (DateTimeParseException | NullPointerException | IllegalArgumentException e) {
            throw new BadRequestException("by must be a positive ISO-8601 duration, e.g. P60D");
        }
    }

    private void enabled() {
        if (!config.adjustable()) {
            throw new NotFoundException();
        }
    }

    public record Now(Instant now) {
    }
}
