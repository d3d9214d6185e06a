package org.lemstriage.ingest.auth;

import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a token's {@code scope} claim lets a backend client write Observations (or Conditions), in
 * SMART App Launch terms
 * (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html): v1 {@code system/Observation.write},
 * {@code system/Observation.*}, {@code system/*.write}, {@code system/*.*}, and v2 permission letters
 * ({@code system/Observation.cruds}, {@code system/*.c}...), where a create needs {@code c} and an update {@code u}.
 * Only {@code system/} scopes: senders are integration engines, not users or patients.
 */
public final class SmartScopes {
    /** The scope a sender is told to ask for (in 403 answers and docs/configuration.md). */
    public static final String REQUIRED = "system/Observation.write";

    /** What a request does to Observations. */
    public enum Access {
        CREATE('c'), UPDATE('u');

        private final char v2Letter;

        Access(char v2Letter) {
            this.v2Letter = v2Letter;
        }
    }

    /** The scope a sender of Conditions (LEMS diagnoses) is told to ask for. */
    public static final String REQUIRED_CONDITION = "system/Condition.write";

    // system/<type or *>.<v1 read|write|* or v2 letters in cruds order>[?query]
    private static final Pattern SCOPE = Pattern.compile("system/(Observation|Condition|\\*)\\.(read|write|\\*|c?r?u?d?s?)(\\?.*)?");
    private static final Set<String> V1_WRITE = Set.of("write", "*");

    private SmartScopes() {
    }

    public static boolean permits(String scopeClaim, Access access) {
        return permits(scopeClaim, access, "Observation");
    }

    /** Whether the scopes let the client write resources of {@code type} (Observation or Condition). */
    public static boolean permits(String scopeClaim, Access access, String type) {
        if (scopeClaim == null) {
            return false;
        }
        return Arrays.stream(scopeClaim.trim().split("\\s+")).anyMatch(scope -> grants(scope, access, type));
    }

    private static boolean grants(String scope, Access access, String type) {
        Matcher m = SCOPE.matcher(scope);
        if (!m.matches() || m.group(3) != null || !(m.group(1).equals(type) || m.group(1).equals("*"))) {
            // A v2 scope narrowed by a query (e.g. ?category=laboratory) is not read as a grant for every Observation
            return false;
        }
        String permission = m.group(2);
        return V1_WRITE.contains(permission) || (!permission.equals("read") && permission.indexOf(access.v2Letter) >= 0);
    }
}
