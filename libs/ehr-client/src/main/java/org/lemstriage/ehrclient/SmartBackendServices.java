package org.lemstriage.ehrclient;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
import org.lemstriage.model.event.EventJson;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * SMART Backend Services (HL7 SMART App Launch, client_credentials with a JWT client assertion signed RS384): gets an
 * access token from the EHR's token endpoint and adds it to every request HAPI's client makes. The token is kept
 * until shortly before it expires, then a new one is fetched. A token failure is transient: the writer's retry and
 * backoff apply.
 */
public final class SmartBackendServices implements IClientInterceptor {
    /** A SMART client assertion may live 5 minutes at most. */
    static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);
    /** Refresh this long before expiry (or at half the lifetime of a short-lived token). */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    private final String clientId;
    private final PrivateKey key;
    private final String keyId;
    private final String scope;
    private final String fhirBase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private URI tokenEndpoint;
    private String token;
    private Instant refreshAt = Instant.MIN;

    /** @param tokenEndpoint the token URL, or null to discover it from {@code fhirBase/.well-known/smart-configuration} */
    public SmartBackendServices(String clientId, PrivateKey key, String keyId, String scope, String fhirBase, URI tokenEndpoint) {
        this.clientId = clientId;
        this.key = key;
        this.keyId = keyId;
        this.scope = scope;
        this.fhirBase = fhirBase;
        this.tokenEndpoint = tokenEndpoint;
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        request.addHeader("Authorization", "Bearer " + token());
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        // nothing: a 401 surfaces as a failure and the next call fetches a fresh token only once this one is due
    }

    synchronized String token() {
        if (token != null && Instant.now().isBefore(refreshAt)) {
            return token;
        }
        try {
            URI endpoint = endpoint();
            String form = Map.of(
                            "grant_type", "client_credentials",
                            "scope", scope,
                            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                            "client_assertion", assertion(endpoint)).entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new EhrFailure.Transient("token endpoint answered " + response.statusCode(), response.body());
            }
            JsonNode body = EventJson.mapper().readTree(response.body());
            Duration lifetime = Duration.ofSeconds(body.path("expires_in").asLong(300));
            Duration margin = REFRESH_MARGIN.compareTo(lifetime.dividedBy(2)) < 0 ? REFRESH_MARGIN : lifetime.dividedBy(2);
            token = body.get("access_token").asText();
            refreshAt = Instant.now().plus(lifetime).minus(margin);
            return token;
        } catch (IOException | JoseException e) {
            throw new EhrFailure.Transient("token endpoint unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EhrFailure.Transient("interrupted while fetching a token");
        }
    }

    private URI endpoint() throws IOException, InterruptedException {
        if (tokenEndpoint == null) {
            HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(fhirBase + "/.well-known/smart-configuration"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (config.statusCode() != 200) {
                throw new EhrFailure.Transient("SMART configuration answered " + config.statusCode());
            }
            tokenEndpoint = URI.create(EventJson.mapper().readTree(config.body()).get("token_endpoint").asText());
        }
        return tokenEndpoint;
    }

    private String assertion(URI audience) throws JoseException {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(clientId);
        claims.setSubject(clientId);
        claims.setAudience(audience.toString());
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setExpirationTimeMinutesInTheFuture(ASSERTION_LIFETIME.toMinutes());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA384);
        if (keyId != null) {
            jws.setKeyIdHeaderValue(keyId);
        }
        jws.setHeader("typ", "JWT");
        return jws.getCompactSerialization();
    }
}
