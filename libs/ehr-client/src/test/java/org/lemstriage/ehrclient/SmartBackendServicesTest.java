package org.lemstriage.ehrclient;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lemstriage.sandbox.EhrSandbox;
import org.lemstriage.sandbox.auth.SmartAuthorization;
import org.lemstriage.model.fhir.Fhir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SMART client against the sandbox's real token endpoint, over HTTP. */
class SmartBackendServicesTest {

    @Test
    void authenticatesCachesTheTokenAndRefreshesItBeforeExpiry(@TempDir Path dir) throws Exception {
        KeyPair keys = rsa();
        Path pem = dir.resolve("client.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        SmartAuthorization smart = new SmartAuthorization(Map.of("lems-triage", keys.getPublic()), Duration.ofSeconds(4));
        try (EhrSandbox ehr = EhrSandbox.start("127.0.0.1", 0, null, smart)) {
            IGenericClient anonymous = Fhir.r4().newRestfulGenericClient(ehr.baseUrl());
            assertThat(anonymous.capabilities().ofType(CapabilityStatement.class).execute()).as("metadata stays open").isNotNull();
            assertThatThrownBy(() -> anonymous.read().resource(Patient.class).withId("lt-p001").execute())
                    .isInstanceOf(AuthenticationException.class);

            IGenericClient client = Fhir.r4().newRestfulGenericClient(ehr.baseUrl());
            EhrConfig config = EhrConfigs.of(Map.of("lemstriage.ehr.base-url", ehr.baseUrl(), "lemstriage.ehr.auth", "smart",
                    "lemstriage.ehr.smart.client-id", "lems-triage", "lemstriage.ehr.smart.private-key", pem.toString()));
            client.registerInterceptor(EhrAuth.from(config).orElseThrow());
            for (int i = 0; i < 3; i++) {
                assertThat(client.read().resource(Patient.class).withId("lt-p001").execute().getBirthDateElement().getValueAsString())
                        .isEqualTo("1958-03-14");
            }
            assertThat(smart.issuedCount()).as("one token for three calls").isEqualTo(1);
            Thread.sleep(2_500); // past half of the 4 s lifetime: due for refresh
            client.read().resource(Patient.class).withId("lt-p001").execute();
            assertThat(smart.issuedCount()).as("refreshed before expiry").isEqualTo(2);
        }
    }

    @Test
    void anAssertionSignedWithAnotherKeyGetsNoToken(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("other.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        SmartAuthorization smart = new SmartAuthorization(Map.of("lems-triage", rsa().getPublic()), Duration.ofMinutes(5));
        try (EhrSandbox ehr = EhrSandbox.start("127.0.0.1", 0, null, smart)) {
            IGenericClient client = Fhir.r4().newRestfulGenericClient(ehr.baseUrl());
            EhrConfig config = EhrConfigs.of(Map.of("lemstriage.ehr.base-url", ehr.baseUrl(), "lemstriage.ehr.auth", "smart",
                    "lemstriage.ehr.smart.client-id", "lems-triage", "lemstriage.ehr.smart.private-key", pem.toString()));
            client.registerInterceptor(EhrAuth.from(config).orElseThrow());
            assertThatThrownBy(() -> client.read().resource(Patient.class).withId("lt-p001").execute())
                    .hasMessageContaining("token endpoint answered 401");
            assertThat(smart.issuedCount()).isZero();
        }
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
