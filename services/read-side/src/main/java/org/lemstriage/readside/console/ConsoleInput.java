package org.lemstriage.readside.console;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The console's query parameters, read strictly: a bad one is a 400 naming it, never a 500. */
final class ConsoleInput {
    private ConsoleInput() {
    }

    /** An absent or empty parameter: it does not filter. */
    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    static WebApplicationException invalid(String parameter, String why) {
        return new WebApplicationException(Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN)
                .entity("Parameter '" + parameter + "': " + why).build());
    }

    /** A date (yyyy-mm-dd, UTC) as the start of that day, or as its end when {@code endOfDay}; null when absent. */
    static Instant date(String parameter, String value, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(value.strip());
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(endOfDay ? 1000 : 0);
        } catch (DateTimeParseException e) {
            throw invalid(parameter, "not a date (yyyy-mm-dd)");
        }
    }

    static <E extends Enum<E>> E choice(String parameter, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(parameter, "not one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
