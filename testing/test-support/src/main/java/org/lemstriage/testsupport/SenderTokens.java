package org.lemstriage.testsupport;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;

/**
 * An RSA key pair standing in for a hospital's authorization server: its public key (PEM) is what ingest is
 * configured to trust, and it signs bearer tokens with the scope a test needs. One pair per test JVM.
 */
public final class SenderTokens {
    private static final KeyPair KEYS = generate();
    /** A second pair nobody trusts: tokens signed with it must be refused. */
    private static final KeyPair STRANGER = generate();

    /** The {@code iss} of every token, for {@code mp.jwt.verify.issuer}. */
    public static final String ISSUER = "https://auth.hospital.test";

    private SenderTokens() {
    }

    /** The trusted public key as PEM (what {@code mp.jwt.verify.publickey} takes inline). */
    public static String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The trusted public key, base64 without PEM's lines (what {@code quarkus.oidc.public-key} takes). */
    public static String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** The trusted public key in a PEM file, for {@code mp.jwt.verify.publickey.location} or LEMSTRIAGE_INGEST_JWT_PUBLIC_KEY. */
    public static synchronized java.nio.file.Path publicKeyFile() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("sender-tokens", ".pem");
            file.toFile().deleteOnExit();
            return java.nio.file.Files.writeString(file, publicKeyPem());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What a service verifies these tokens with ({@code mp.jwt.verify.*}), as system properties. */
    public static java.util.Map<String, String> verification() {
        return java.util.Map.of("mp.jwt.verify.publickey.location", publicKeyFile().toUri().toString(), "mp.jwt.verify.issuer", ISSUER);
    }

    /** A token for {@code client} with {@code scope}, valid for five minutes. */
    public static String token(String client, String scope) {
        return sign(KEYS, client, scope, 5);
    }

    /**
     * A token valid for {@code days}: what an EHR that cannot refresh tokens (a classic rest-hook Subscription with a
     * fixed Authorization header) is given, narrowly scoped and rotated by the hospital.
     */
    public static String longLived(String client, String scope, int days) {
        return sign(KEYS, client, scope, days * 24 * 60);
    }

    /** Signed by the trusted key, but expired ten minutes ago. */
    public static String expired(String client, String scope) {
        return sign(KEYS, client, scope, -10);
    }

    /** Well-formed, in date, and signed by an untrusted key. */
    public static String untrusted(String client, String scope) {
        return sign(STRANGER, client, scope, 5);
    }

    /** A trusted token whose {@code scope} claim is not a string (a JSON array or object): a malformed token. */
    public static String withScopeClaim(String client, Object scope) {
        return sign(KEYS, client, scope, 5);
    }

    /**
     * A person's token from the hospital's identity provider, shaped as Keycloak issues them: the user in
     * {@code preferred_username}, the realm roles in {@code realm_access.roles} (for example {@code auditor}).
     */
    public static String staff(String user, String... roles) {
        JwtClaims claims = claims(user, 5);
        claims.setClaim("preferred_username", user);
        claims.setClaim("realm_access", java.util.Map.of("roles", java.util.List.of(roles)));
        return sign(KEYS, claims);
    }

    /**
     * What an EHR's CDS client sends with each CDS Hooks call (CDS Hooks 2.0, "Trusting CDS Clients"): a JWT it signs,
     * naming the CDS service's URL as audience, valid for five minutes, with a unique jti.
     */
    public static String cdsClient(String audience) {
        return cdsClient(audience, 5);
    }

    /** A CDS client's token valid for {@code minutesValid} from now. */
    public static String cdsClient(String audience, int minutesValid) {
        return cdsClient(audience, java.time.Instant.now(), minutesValid);
    }

    /** A CDS client's token issued at {@code issuedAt} (its iat, say in the future), valid {@code minutesValid} from then. */
    public static String cdsClient(String audience, java.time.Instant issuedAt, int minutesValid) {
        JwtClaims claims = claims("ehr-cds-client", minutesValid);
        claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(issuedAt.plusSeconds(minutesValid * 60L).getEpochSecond()));
        claims.setAudience(audience);
        return sign(KEYS, claims);
    }

    /** A CDS client's token without the {@code jti} CDS Hooks requires. */
    public static String cdsClientWithoutJti(String audience) {
        JwtClaims claims = claims("ehr-cds-client", 5);
        claims.setAudience(audience);
        claims.unsetClaim("jti");
        return sign(KEYS, claims);
    }

    private static String sign(KeyPair keys, String client, Object scope, int minutesValid) {
        JwtClaims claims = claims(client, minutesValid);
        claims.setClaim("client_id", client);
        claims.setClaim("scope", scope);
        return sign(keys, claims);
    }

    private static JwtClaims claims(String subject, int minutesValid) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(subject);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(minutesValid);
        return claims;
    }

    private static String sign(KeyPair keys, JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
