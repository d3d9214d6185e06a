package org.lemstriage.ehrclient;

import com.sun.net.httpserver.HttpServer;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EhrClientTest {

    @Test
    void anAnswerThatIsNotValidFhirIsAPermanentFailureThatNamesTheElementButNotTheValue() throws Exception {
        HttpServer ehr = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        byte[] body = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"1961-13-45\"}".getBytes(StandardCharsets.UTF_8);
        ehr.createContext("/fhir/Patient/p1", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ehr.start();
        try {
            EhrClient client = new EhrClient("http://localhost:" + ehr.getAddress().getPort() + "/fhir", 2000, 2000);
            assertThatThrownBy(() -> client.call("read Patient/p1", c -> c.read().resource(Patient.class).withId("p1").execute()))
                    .isInstanceOfSatisfying(EhrFailure.Permanent.class, e -> org.assertj.core.api.Assertions.assertThat(e.status())
                            .isEqualTo(EhrClient.UNREADABLE_ANSWER))
                    .hasMessageContaining("read Patient/p1")
                    .hasMessageContaining("birthDate")
                    .hasMessageNotContaining("1961-13-45");
        } finally {
            ehr.stop(0);
        }
    }
}
