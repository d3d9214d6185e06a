package org.lemstriage.stack;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.UUID;

/**
 * The stack's stand-in for a hospital's authorization server: an RSA key pair in the run folder (made by {@code up},
 * kept across runs), whose public half ingest, the classifier's triage view and the CDS Hooks service trust, and
 * the RS256 tokens it signs.
 */
public final class StackTokens {
    public static final String ISSUER = "https://lems-triage.local/auth";
    /** The integration engine's client: what posts results to ingest. */
    public static final String SENDER = "local-integration-engine";
    public static final String SENDER_SCOPE = "system/Observation.write";
    /** The EHR's CDS client: what calls the CDS Hooks service. */
    public static final String CDS_CLIENT = "local-ehr-cds-client";

    private final Path folder;

    public StackTokens(Path runDir) {
        this.folder = runDir.resolve("auth");
    }

    public Path publicKeyFile() {
        return folder.resolve("public.pem");
    }

    private Path signingKeyFile() {
        return folder.resolve("signing.pem");
    }

    /** The key pair, made once (PKCS #8 and X.509 PEM, as openssl writes them; the private half readable by its owner only). */
    public void ensureKeys() {
        if (Files.exists(signingKeyFile())) {
            return;
        }
        try {
            Files.createDirectories(folder);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var keys = generator.generateKeyPair();
            Files.createFile(signingKeyFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(signingKeyFile(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            Files.writeString(publicKeyFile(), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        } catch (IOException e) {
            throw new StackException("the stack's key pair could not be written in " + folder + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key, base64 without PEM's lines (what {@code quarkus.oidc.*.public-key} takes). */
    public String publicKeyBase64() {
        try {
            return Files.readString(publicKeyFile()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new StackException("no signing key yet: run deploy/local/stack up first");
        } catch (IOException e) {
            throw new StackException(publicKeyFile() + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** A token for the local integration engine with {@code scope}, valid for an hour. */
    public String senderToken(String scope) {
        JwtClaims claims = claims(SENDER, 60);
        claims.setClaim("client_id", SENDER);
        claims.setClaim("scope", scope);
        return sign(claims);
    }

    /** What the EHR's CDS client signs for a CDS Hooks call: its audience the CDS service's URL, valid five minutes. */
    public String cdsToken(String audience) {
        JwtClaims claims = claims(CDS_CLIENT, 5);
        claims.setAudience(audience);
        return sign(claims);
    }

    private static JwtClaims claims(String subject, int minutes) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(minutes);
        claims.setJwtId(UUID.randomUUID().toString());
        return claims;
    }

    private String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(signingKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private PrivateKey signingKey() {
        if (!Files.exists(signingKeyFile())) {
            throw new StackException("no signing key yet: run deploy/local/stack up first");
        }
        try {
            String pem = Files.readString(signingKeyFile()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new StackException(signingKeyFile() + " is not an RSA private key in PKCS #8 PEM", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
