package org.lemstriage.sandbox.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code GET /fhir/.well-known/smart-configuration}: where the token endpoint is and what it accepts. */
public class SmartConfigurationServlet extends HttpServlet {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String base = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
        response.setContentType("application/json");
        JSON.writeValue(response.getOutputStream(), Map.of(
                "token_endpoint", base + "/auth/token",
                "grant_types_supported", List.of("client_credentials"),
                "token_endpoint_auth_methods_supported", List.of("private_key_jwt"),
                "token_endpoint_auth_signing_alg_values_supported", List.of("RS384"),
                "scopes_supported", List.of("system/*.read", "system/*.write", "system/Task.write",
                        "system/ServiceRequest.write", "system/Provenance.write", "system/Patient.read",
                        "system/Observation.read", "system/Condition.read"),
                "capabilities", List.of("client-confidential-asymmetric")));
    }
}
