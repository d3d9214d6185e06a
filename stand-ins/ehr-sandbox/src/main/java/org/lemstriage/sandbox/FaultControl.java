package org.lemstriage.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Faults an operator would see, armed over HTTP on a port of their own (loopback only) so that a fault suite can
 * drive a sandbox process: {@code POST /outage?seconds=N} (the FHIR port refuses connections for N s, every resource
 * kept), {@code POST /slow?ms=M&seconds=N} (every request held M ms, for N s), {@code POST /clear}.
 */
final class FaultControl {
    private static final Logger LOG = Logger.getLogger(FaultControl.class.getName());

    private final EhrSandbox sandbox;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final HttpServer server;

    private FaultControl(EhrSandbox sandbox, int port) throws IOException {
        this.sandbox = sandbox;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/outage", ex -> answer(ex, () -> outage(Duration.ofSeconds(number(ex, "seconds")))));
        server.createContext("/slow", ex -> answer(ex, () -> slow(Duration.ofMillis(number(ex, "ms")), Duration.ofSeconds(number(ex, "seconds")))));
        server.createContext("/clear", ex -> answer(ex, () -> sandbox.faults().clear()));
        server.start();
    }

    static FaultControl start(EhrSandbox sandbox, int port) throws IOException {
        return new FaultControl(sandbox, port);
    }

    private void outage(Duration length) throws Exception {
        LOG.info(() -> "outage: refusing connections for " + length.toSeconds() + " s");
        sandbox.pause();
        timer.schedule(() -> {
            try {
                sandbox.resume();
                LOG.info("outage over: answering again");
            } catch (Exception e) {
                LOG.severe("the sandbox did not come back after the outage: " + e);
            }
        }, length.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void slow(Duration perRequest, Duration length) {
        LOG.info(() -> "slow: every request held " + perRequest.toMillis() + " ms for " + length.toSeconds() + " s");
        sandbox.faults().delayEvery(perRequest);
        timer.schedule(() -> sandbox.faults().delayEvery(Duration.ZERO), length.toMillis(), TimeUnit.MILLISECONDS);
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void answer(HttpExchange exchange, Action action) throws IOException {
        int status = 204;
        String body = "";
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                status = 405;
            } else {
                action.run();
            }
        } catch (Exception e) {
            status = 400;
            body = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static long number(HttpExchange exchange, String name) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        String value = query.get(name);
        if (value == null || !value.matches("\\d{1,7}")) {
            throw new IllegalArgumentException("query parameter " + name + " must be a whole number");
        }
        return Long.parseLong(value);
    }

    void close() {
        server.stop(0);
        timer.shutdownNow();
    }
}
