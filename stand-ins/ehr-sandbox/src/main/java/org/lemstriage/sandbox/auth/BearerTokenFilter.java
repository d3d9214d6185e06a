package org.lemstriage.sandbox.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * When the sandbox requires tokens: every FHIR request but the CapabilityStatement and the SMART configuration needs
 * a valid bearer token; without one the answer is 401 with an OperationOutcome and a WWW-Authenticate challenge.
 */
public class BearerTokenFilter extends HttpFilter {
    private final SmartAuthorization authorization;

    public BearerTokenFilter(SmartAuthorization authorization) {
        this.authorization = authorization;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI();
        if (path.endsWith("/metadata") || path.contains("/.well-known/")) {
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (authorization.valid(token)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"ehr-sandbox\"");
        response.setContentType("application/fhir+json");
        response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\","
                + "\"diagnostics\":\"" + (token == null ? "a bearer token is required" : "the bearer token is unknown or expired")
                + "\"}]}");
    }
}
