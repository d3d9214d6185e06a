package org.lemstriage.testsupport;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on loopback: keeps each export's protobuf body and answers an empty
 * ExportTraceServiceResponse. A test asks whether a service exported spans of a trace (the trace id's bytes and the
 * service name both in one export), which needs no protobuf model.
 */
public final class OtlpReceiver implements AutoCloseable {
    private final List<byte[]> exported = new ArrayList<>();
    private final HttpServer server;

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            byte[] body = (gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()).readAllBytes();
            synchronized (exported) {
                exported.add(body);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** Where a service sends its traces ({@code quarkus.otel.exporter.otlp.traces.endpoint}, protocol http/protobuf). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits up to {@code timeout} for an export naming both the trace and the service. */
    public boolean awaitExport(byte[] traceId, String serviceName, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!exportedWith(traceId, serviceName) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return exportedWith(traceId, serviceName);
    }

    /** What each export held, for a failure's message: its size and which of these service names it names. */
    public String summary(List<String> serviceNames) {
        synchronized (exported) {
            return exported.stream().map(body -> body.length + " bytes " + serviceNames.stream()
                    .filter(n -> contains(body, n.getBytes(StandardCharsets.UTF_8))).toList()).toList().toString();
        }
    }

    /** Whether any export so far holds this text (UTF-8): a value that must never leave a service in a span. */
    public boolean exportedAnyWith(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        synchronized (exported) {
            return exported.stream().anyMatch(body -> contains(body, bytes));
        }
    }

    private boolean exportedWith(byte[] traceId, String serviceName) {
        byte[] name = serviceName.getBytes(StandardCharsets.UTF_8);
        synchronized (exported) {
            return exported.stream().anyMatch(body -> contains(body, traceId) && contains(body, name));
        }
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
