package org.lemstriage.audit.cds;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.lemstriage.audit.store.CdsClientTokensSeen;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What CDS Hooks 2.0 ("Trusting CDS Clients") asks of a CDS client's token beyond its signature, issuer and audience
 * (checked by Quarkus OIDC): {@code iat}, {@code exp} and {@code jti} present, a lifetime of at most 5 minutes (the
 * specification's recommendation), and each {@code jti} used once.
 */
@ApplicationScoped
public class CdsClientTokens {
    static final Duration LONGEST_LIFETIME = Duration.ofMinutes(5);

    private final CdsClientTokensSeen seen;

    public CdsClientTokens(CdsClientTokensSeen seen) {
        this.seen = seen;
    }

    /** Why this call's token may not be used, or empty if it may (and it is now used). */
    public Optional<String> refusal(JsonWebToken token) throws SQLException {
        String jti = token.getTokenID();
        if (jti == null || jti.isBlank() || token.getIssuedAtTime() == 0 || token.getExpirationTime() == 0) {
            return Optional.of("a CDS client token must carry iat, exp and a unique jti (CDS Hooks 2.0)");
        }
        Duration lifetime = Duration.ofSeconds(token.getExpirationTime() - token.getIssuedAtTime());
        if (lifetime.compareTo(LONGEST_LIFETIME) > 0) {
            return Optional.of("a CDS client token may live at most 5 minutes; this one lives " + lifetime.toMinutes() + " minutes");
        }
        if (!seen.firstUse(token.getIssuer(), jti, Instant.ofEpochSecond(token.getExpirationTime()))) {
            return Optional.of("this token's jti was used before: a CDS client signs a new token for each call");
        }
        return Optional.empty();
    }
}
