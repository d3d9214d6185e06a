package org.lemstriage.ehrclient;

import com.sun.net.httpserver.HttpServer;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
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

    @Test
    void startedCallsWaitForTheEhrAtTheSameTimeAndAFailureComesBackAsTheEhrFailure() throws Exception {
        HttpServer ehr = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        ehr.setExecutor(handlers);
        // Each read is answered only once both have arrived: one after the other, the first would wait in vain
        CountDownLatch both = new CountDownLatch(2);
        ehr.createContext("/fhir/Patient/", exchange -> {
            both.countDown();
            String id = exchange.getRequestURI().getPath().substring("/fhir/Patient/".length());
            try {
                boolean together = both.await(3, TimeUnit.SECONDS);
                byte[] body = ("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
                exchange.sendResponseHeaders(together && !id.equals("gone") ? 200 : 404, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        ehr.start();
        try {
            EhrClient client = new EhrClient("http://localhost:" + ehr.getAddress().getPort() + "/fhir", 2000, 5000);
            CompletableFuture<Patient> p1 = client.start(() -> client.call("read Patient/p1", c -> c.read().resource(Patient.class).withId("p1").execute()));
            CompletableFuture<Patient> gone = client.start(() -> client.call("read Patient/gone", c -> c.read().resource(Patient.class).withId("gone").execute()));
            assertThat(EhrClient.result(p1).getIdElement().getIdPart()).isEqualTo("p1");
            assertThatThrownBy(() -> EhrClient.result(gone)).isInstanceOfSatisfying(EhrFailure.Permanent.class,
                    e -> assertThat(e.status()).isEqualTo(404)).hasMessageContaining("read Patient/gone");
        } finally {
            ehr.stop(0);
            handlers.shutdownNow();
        }
    }
}
