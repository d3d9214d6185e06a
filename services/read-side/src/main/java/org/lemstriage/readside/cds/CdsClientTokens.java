package org.lemstriage.readside.cds;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.lemstriage.readside.store.CdsClientTokensSeen;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What CDS Hooks 2.0 ("Trusting CDS Clients") asks of a CDS client's token beyond its signature, issuer and audience
 * (checked by Quarkus OIDC): {@code iat}, {@code exp} and {@code jti} present, a lifetime of at most 5 minutes (the
 * specification's recommendation) counted from when it was issued and from now, not issued in the future, and each
 * {@code jti} used once.
 */
@ApplicationScoped
public class CdsClientTokens {
    static final Duration LONGEST_LIFETIME = Duration.ofMinutes(5);
    /** Clocks of the EHR and of this service may differ this much */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final CdsClientTokensSeen seen;

    public CdsClientTokens(CdsClientTokensSeen seen) {
        this.seen = seen;
    }

    /** Uses this call's token: why it may not be used, or empty if it may (and it is now used up). */
    public Optional<String> use(JsonWebToken token) throws SQLException {
        String jti = token.getTokenID();
        if (jti == null || jti.isBlank() || token.getIssuedAtTime() == 0 || token.getExpirationTime() == 0) {
            return Optional.of("a CDS client token must carry iat, exp and a unique jti (CDS Hooks 2.0)");
        }
        Instant now = Instant.now();
        Instant issued = Instant.ofEpochSecond(token.getIssuedAtTime());
        Instant expires = Instant.ofEpochSecond(token.getExpirationTime());
        if (issued.isAfter(now.plus(CLOCK_SKEW))) {
            return Optional.of("this CDS client token is issued in the future (iat)");
        }
        Duration lifetime = Duration.between(issued, expires);
        if (lifetime.compareTo(LONGEST_LIFETIME) > 0 || Duration.between(now, expires).compareTo(LONGEST_LIFETIME.plus(CLOCK_SKEW)) > 0) {
            return Optional.of("a CDS client token may live at most 5 minutes; this one lives " + lifetime.toMinutes() + " minutes");
        }
        // Remembered past its expiry by the skew Quarkus allows, so that no replay outlives the record
        if (!seen.firstUse(token.getIssuer(), jti, expires.plus(CLOCK_SKEW))) {
            return Optional.of("this token's jti was used before: a CDS client signs a new token for each call");
        }
        return Optional.empty();
    }
}
