package org.lemstriage.sandbox.fhir;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The W3C trace context each request came with ({@code traceparent}), as a tracing EHR would see it: tests check that a
 * result's trace reaches the EHR calls made because of it. The most recent 1,000 requests that carried one.
 */
public class TraceContextLog extends HttpFilter {
    private static final int KEPT = 1000;
    private final Deque<TracedRequest> requests = new ArrayDeque<>();

    /** One request: its method, path and the trace id of its {@code traceparent}. */
    public record TracedRequest(String method, String path, String traceId) {
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String traceparent = request.getHeader("traceparent");
        // version-traceid-parentid-flags
        String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
        if (parts.length == 4) {
            synchronized (requests) {
                if (requests.size() == KEPT) {
                    requests.removeFirst();
                }
                requests.addLast(new TracedRequest(request.getMethod(), request.getRequestURI(), parts[1]));
            }
        }
        chain.doFilter(request, response);
    }

    public List<TracedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }
}
