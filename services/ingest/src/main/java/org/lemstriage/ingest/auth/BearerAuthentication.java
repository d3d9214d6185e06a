package org.lemstriage.ingest.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.lemstriage.ingest.IngestConfig;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.lemstriage.ingest.http.FhirResponses;
import org.lemstriage.ingest.fhir.FhirFormat;

import java.time.Duration;
import java.util.Optional;

/**
 * Every write to the FHIR API needs a bearer JWT, verified by smallrye-jwt against the configured key or JWKS
 * ({@code mp.jwt.verify.publickey.location}; issuer and audience when configured), whose scope allows writing
 * Observations ({@link SmartScopes}). 401 without a valid token, 403 with a valid one of the wrong scope, each an
 * OperationOutcome. The CapabilityStatement and the health and metrics endpoints (outside JAX-RS) stay open.
 */
public class BearerAuthentication {
    /** The request property that carries the authenticated client's id to the AuditEvent. */
    public static final String CLIENT = "lemstriage.client";
    private static final Logger LOG = Logger.getLogger(BearerAuthentication.class);
    private static final String BEARER = "Bearer ";

    private final boolean required;
    private final JWTParser parser;
    private final GrantedScopes granted;
    private final Cache<String, JsonWebToken> recent = Caffeine.newBuilder().maximumSize(1_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    public BearerAuthentication(IngestConfig config, JWTParser parser, GrantedScopes granted) {
        this.required = config.auth().required();
        this.parser = parser;
        this.granted = granted;
    }

    @ServerRequestFilter(priority = jakarta.ws.rs.Priorities.AUTHENTICATION)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        if (!required || request.getUriInfo().getPath().startsWith("/fhir/metadata")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(request, 401, "Bearer realm=\"lems-triage\"", IssueType.LOGIN,
                    "A bearer token is required (SMART backend services, scope " + SmartScopes.REQUIRED + ")");
        }
        JsonWebToken token;
        try {
            token = verified(header.substring(BEARER.length()).trim());
        } catch (ParseException e) {
            // The reason names the check that failed (signature, expiry, issuer...), never the token's content
            LOG.infof("bearer token refused: %s", e.getClass().getSimpleName());
            return refuse(request, 401, "Bearer realm=\"lems-triage\", error=\"invalid_token\"", IssueType.LOGIN,
                    "The bearer token is not valid: bad signature, expired, or not from the configured issuer");
        }
        String client = client(token);
        request.setProperty(CLIENT, client);
        // SMART and RFC 8693: scope is one space-separated string; anything else is a malformed token, not a 500
        Object scopeClaim = token.getClaim("scope");
        if (scopeClaim != null && !(scopeClaim instanceof String)) {
            LOG.infof("client %s refused: scope claim is not a string", client);
            return refuse(request, 401, "Bearer realm=\"lems-triage\", error=\"invalid_token\"", IssueType.LOGIN,
                    "The bearer token's scope claim must be one space-separated string");
        }
        String scope = (String) scopeClaim;
        SmartScopes.Access access = "PUT".equals(request.getMethod()) ? SmartScopes.Access.UPDATE : SmartScopes.Access.CREATE;
        // POST/PUT /fhir/Condition writes Conditions; every other endpoint carries Observations
        String type = request.getUriInfo().getPath().startsWith("/fhir/Condition") ? "Condition" : "Observation";
        String needed = type.equals("Condition") ? SmartScopes.REQUIRED_CONDITION : SmartScopes.REQUIRED;
        granted.set(scope);
        if (!SmartScopes.permits(scope, access, type)) {
            LOG.infof("client %s refused: scope does not allow %s %s", client, type, access);
            return refuse(request, 403, "Bearer realm=\"lems-triage\", error=\"insufficient_scope\", scope=\"" + needed + "\"",
                    IssueType.FORBIDDEN, "The token's scope does not allow writing " + type + "s; " + needed
                            + " (or system/" + type + ".c/.u, system/*.write) is needed");
        }
        return Optional.empty();
    }

    /**
     * The token, verified: a sender reuses one token for many requests, and checking its RSA signature on each took
     * a sixth of ingest's CPU per Observation (JFR). A token verified once is trusted until it expires.
     */
    private JsonWebToken verified(String raw) throws ParseException {
        JsonWebToken known = recent.getIfPresent(raw);
        if (known != null && known.getExpirationTime() > System.currentTimeMillis() / 1000) {
            return known;
        }
        JsonWebToken token = parser.parse(raw);
        recent.put(raw, token);
        return token;
    }

    private static String client(JsonWebToken token) {
        Object clientId = token.getClaim("client_id");
        Object authorizedParty = token.getClaim("azp");
        return clientId != null ? clientId.toString() : authorizedParty != null ? authorizedParty.toString() : token.getSubject();
    }

    private static Optional<Response> refuse(ContainerRequestContext request, int status, String challenge, IssueType type, String why) {
        Response outcome = FhirResponses.response(status, IssueSeverity.ERROR, type, why, null,
                FhirFormat.ofResponse(null, request.getHeaderString(HttpHeaders.ACCEPT),
                        FhirFormat.ofContentType(request.getHeaderString(HttpHeaders.CONTENT_TYPE))));
        return Optional.of(Response.fromResponse(outcome).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build());
    }
}
