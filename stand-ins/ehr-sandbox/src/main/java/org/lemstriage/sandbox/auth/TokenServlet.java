package org.lemstriage.sandbox.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /auth/token}: the OAuth 2.0 client_credentials grant with a JWT client assertion (SMART Backend Services). */
public class TokenServlet extends HttpServlet {
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SmartAuthorization authorization;

    public TokenServlet(SmartAuthorization authorization) {
        this.authorization = authorization;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!"client_credentials".equals(request.getParameter("grant_type"))) {
            refuse(response, "unsupported_grant_type", "grant_type must be client_credentials");
            return;
        }
        if (!ASSERTION_TYPE.equals(request.getParameter("client_assertion_type")) || request.getParameter("client_assertion") == null) {
            refuse(response, "invalid_client", "a client_assertion of type " + ASSERTION_TYPE + " is required");
            return;
        }
        SmartAuthorization.Result result = authorization.issue(request.getParameter("client_assertion"),
                request.getRequestURL().toString(), request.getParameter("scope"));
        if (result.refusal().isPresent()) {
            refuse(response, "invalid_client", result.refusal().get());
            return;
        }
        body.put("access_token", result.accessToken());
        body.put("token_type", "bearer");
        body.put("expires_in", result.expiresIn());
        body.put("scope", result.scope());
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        JSON.writeValue(response.getOutputStream(), body);
    }

    private static void refuse(HttpServletResponse response, String error, String description) throws IOException {
        response.setStatus(error.equals("invalid_client") ? 401 : 400);
        response.setContentType("application/json");
        JSON.writeValue(response.getOutputStream(), Map.of("error", error, "error_description", description));
    }
}
