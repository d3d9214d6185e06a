package org.lemstriage.readside.pipeline;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.health.EhrWritesHealth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's reading of the notifier's stated breaker state; the notifier's side is tested in NotifierIT. */
class EhrBreakerTest {
    private HttpServer notifier;

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.stop(0);
        }
    }

    @Test
    void readsTheStateTheNotifierStates() throws IOException {
        answer(200, "{\"status\":\"UP\",\"checks\":[{\"name\":\"" + EhrWritesHealth.CHECK + "\",\"status\":\"UP\","
                + "\"data\":{\"" + EhrWritesHealth.STATE + "\":\"" + EhrWritesHealth.HALF_OPEN + "\"}}]}");
        assertThat(breaker().state()).isEqualTo(EhrWritesHealth.HALF_OPEN);
    }

    @Test
    void saysWhyTheStateIsNotKnown() throws IOException {
        answer(404, "");
        assertThat(breaker().state()).isEqualTo("unknown: the notifier's EHR-writes health answered HTTP 404");
        notifier.stop(0);
        answer(200, "{\"status\":\"UP\",\"checks\":[]}");
        assertThat(breaker().state()).startsWith("unknown: the notifier's EHR-writes health has no");
        notifier.stop(0);
        notifier = null;
        assertThat(new EhrBreaker(URI.create("http://127.0.0.1:9")).state())
                .startsWith("unknown: the notifier's EHR-writes health did not answer");
    }

    private void answer(int status, String body) throws IOException {
        notifier = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        notifier.createContext(EhrWritesHealth.PATH, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        notifier.start();
    }

    private EhrBreaker breaker() {
        return new EhrBreaker(URI.create("http://127.0.0.1:" + notifier.getAddress().getPort()));
    }
}
