package org.lemstriage.sandbox.auth;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;

import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox's SMART Backend Services authorization (client_credentials with a private_key_jwt assertion, RS384):
 * registered clients and their public keys, the tokens issued and when they expire. Assertions are checked as the
 * SMART specification asks: signature, iss = sub = client id, aud = the token endpoint, exp at most 5 minutes
 * ahead, and a jti never seen before.
 */
public final class SmartAuthorization {
    private final Map<String, PublicKey> clients;
    private final Duration tokenLifetime;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    public SmartAuthorization(Map<String, PublicKey> clients, Duration tokenLifetime) {
        this.clients = Map.copyOf(clients);
        this.tokenLifetime = tokenLifetime;
    }

    /** An access token for a valid assertion, or the reason it is refused (OAuth error description). */
    public Result issue(String assertion, String audience, String scope) {
        JwtContext unverified;
        try {
            unverified = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                    .setSkipSignatureVerification().build().process(assertion);
        } catch (InvalidJwtException e) {
            return Result.refused("the client assertion is not a JWT");
        }
        String clientId;
        try {
            clientId = unverified.getJwtClaims().getIssuer();
        } catch (Exception e) {
            return Result.refused("the client assertion has no issuer");
        }
        PublicKey key = clientId == null ? null : clients.get(clientId);
        if (key == null) {
            return Result.refused("unknown client");
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA384)
                .setVerificationKey(key).setExpectedIssuer(clientId).setExpectedSubject(clientId)
                .setExpectedAudience(audience).setRequireExpirationTime().setMaxFutureValidityInMinutes(5)
                .setRequireJwtId().setAllowedClockSkewInSeconds(30).build();
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(assertion);
        } catch (InvalidJwtException e) {
            return Result.refused("the client assertion does not verify: " + e.getErrorDetails().get(0).getErrorMessage());
        }
        if (!seenJtis.add(claims.getClaimValueAsString("jti"))) {
            return Result.refused("the client assertion's jti was used before");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tokens.put(token, Instant.now().plus(tokenLifetime));
        issued.incrementAndGet();
        return new Result(token, tokenLifetime.toSeconds(), scope, null);
    }

    /** Whether a bearer token was issued here and has not expired. */
    public boolean valid(String token) {
        Instant expires = token == null ? null : tokens.get(token);
        return expires != null && Instant.now().isBefore(expires);
    }

    /** How many tokens were issued: tests use it to see caching and refresh. */
    public int issuedCount() {
        return issued.get();
    }

    /** A token, or why none. */
    public record Result(String accessToken, long expiresIn, String scope, String error) {
        static Result refused(String why) {
            return new Result(null, 0, null, why);
        }

        public Optional<String> refusal() {
            return Optional.ofNullable(error);
        }
    }
}
