package org.lemstriage.stack;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackTokensTest {

    @Test
    void theSendersTokenVerifiesWithThePublicKeyTheServicesAreGiven(@TempDir Path run) throws Exception {
        StackTokens tokens = new StackTokens(run);
        tokens.ensureKeys();
        JwtClaims claims = verify(tokens.senderToken("system/Observation.write"), publicKey(tokens), null);
        assertThat(claims.getIssuer()).isEqualTo(StackTokens.ISSUER);
        assertThat(claims.getClaimValueAsString("scope")).isEqualTo("system/Observation.write");
        assertThat(claims.getClaimValueAsString("client_id")).isEqualTo(StackTokens.SENDER);
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(3600);
        assertThat(Files.getPosixFilePermissions(run.resolve("auth/signing.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theCdsClientsTokenNamesTheServiceAsItsAudience(@TempDir Path run) throws Exception {
        StackTokens tokens = new StackTokens(run);
        tokens.ensureKeys();
        String token = tokens.cdsToken("http://localhost:8083/cds-services");
        assertThat(verify(token, publicKey(tokens), "http://localhost:8083/cds-services").getSubject()).isEqualTo(StackTokens.CDS_CLIENT);
        assertThatThrownBy(() -> verify(token, publicKey(tokens), "http://elsewhere/cds-services")).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void theKeysAreMadeOnceAndKept(@TempDir Path run) throws Exception {
        StackTokens tokens = new StackTokens(run);
        tokens.ensureKeys();
        String first = Files.readString(tokens.publicKeyFile());
        tokens.ensureKeys();
        assertThat(Files.readString(tokens.publicKeyFile())).isEqualTo(first);
        assertThatThrownBy(() -> new StackTokens(run.resolve("never-up")).senderToken("x")).isInstanceOf(StackException.class)
                .hasMessageContaining("stack up");
    }

    private static PublicKey publicKey(StackTokens tokens) throws Exception {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(tokens.publicKeyBase64())));
    }

    private static JwtClaims verify(String token, PublicKey key, String audience) throws InvalidJwtException {
        JwtConsumerBuilder consumer = new JwtConsumerBuilder().setVerificationKey(key).setExpectedIssuer(StackTokens.ISSUER).setRequireExpirationTime();
        if (audience == null) {
            consumer.setSkipDefaultAudienceValidation();
        } else {
            consumer.setExpectedAudience(audience);
        }
        return consumer.build().processToClaims(token);
    }
}
