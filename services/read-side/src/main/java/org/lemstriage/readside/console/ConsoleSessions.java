package org.lemstriage.readside.console;

import io.quarkus.oidc.SecurityEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.lemstriage.readside.store.ConsoleSessionsEnded;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * A logout ends the console session at once. Quarkus OIDC logs out at the provider too (RP-initiated logout,
 * {@code quarkus.oidc.console.logout.path}) and clears the browser's cookie, but a cookie saved before would still
 * open the console until its ID token expires: the session's id ({@code sid}) is recorded as ended, in the database
 * so that every replica refuses it, and an identity of an ended session is not authenticated.
 */
@ApplicationScoped
public class ConsoleSessions implements SecurityIdentityAugmentor {
    private static final Logger LOG = Logger.getLogger(ConsoleSessions.class);
    private static final String TENANT = "console";
    /** Kept this long past the ID token's expiry, for clocks that differ */
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final ConsoleSessionsEnded ended;

    public ConsoleSessions(ConsoleSessionsEnded ended) {
        this.ended = ended;
    }

    void loggedOut(@ObservesAsync SecurityEvent event) {
        if (event.getEventType() != SecurityEvent.Type.OIDC_LOGOUT_RP_INITIATED || event.getSecurityIdentity() == null
                || !(event.getSecurityIdentity().getPrincipal() instanceof JsonWebToken token) || token.getClaim("sid") == null) {
            return;
        }
        try {
            ended.end(token.getClaim("sid").toString(), Instant.ofEpochSecond(token.getExpirationTime()).plus(MARGIN));
        } catch (SQLException e) {
            LOG.errorf("a console logout could not be recorded (%s): the saved session opens the console until its token expires",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !TENANT.equals(identity.getAttribute("tenant-id"))
                || !(identity.getPrincipal() instanceof JsonWebToken token) || token.getClaim("sid") == null) {
            return Uni.createFrom().item(identity);
        }
        String sid = token.getClaim("sid").toString();
        return context.runBlocking(() -> {
            try {
                if (ended.ended(sid)) {
                    throw new AuthenticationFailedException("console session logged out");
                }
                return identity;
            } catch (SQLException e) {
                throw new AuthenticationFailedException("whether the console session was logged out is not known", e);
            }
        });
    }
}
