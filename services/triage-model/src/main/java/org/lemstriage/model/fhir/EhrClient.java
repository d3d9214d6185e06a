package org.lemstriage.model.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

import java.util.function.Function;

/**
 * The EHR's FHIR API through HAPI's generic client; every failure comes out as {@link EhrFailure}, transient or
 * permanent, so callers decide between retrying and parking without knowing HAPI's exceptions.
 */
public final class EhrClient {
    /** The longest Retry-After honoured; a longer one is left to the caller's backoff. */
    static final long MAX_RETRY_AFTER_SECONDS = 60;
    private final IGenericClient client;

    public EhrClient(String baseUrl, int connectTimeoutMs, int readTimeoutMs) {
        var factory = Fhir.r4().getRestfulClientFactory();
        // No CapabilityStatement round trip before the first call: readiness checks the EHR instead
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setConnectTimeout(connectTimeoutMs);
        factory.setSocketTimeout(readTimeoutMs);
        this.client = Fhir.r4().newRestfulGenericClient(baseUrl);
    }

    /** Adds an interceptor to every call (authentication, for instance). */
    public EhrClient with(IClientInterceptor interceptor) {
        client.registerInterceptor(interceptor);
        return this;
    }

    /** Runs one interaction; {@code what} names it (ids only) in the failure's message. */
    public <T> T call(String what, Function<IGenericClient, T> call) {
        try {
            return call.apply(client);
        } catch (FhirClientConnectionException e) {
            throw new EhrFailure.Transient(what + ": EHR unreachable");
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            String answer = what + ": EHR answered " + status + " " + outcome(e);
            if (status == 429) {
                honourRetryAfter(e);
            }
            // 409 and 412: the resource changed since it was read; reading and writing again will do
            if (status >= 500 || status == 408 || status == 429 || status == 409 || status == 412) {
                throw new EhrFailure.Transient(answer);
            }
            throw new EhrFailure.Permanent(status, answer);
        }
    }

    /** Waits out a 429's Retry-After (in seconds, at most a minute) before the caller's own retry delay. */
    private static void honourRetryAfter(BaseServerResponseException e) {
        var headers = e.getResponseHeaders();
        if (headers == null) {
            return;
        }
        headers.entrySet().stream().filter(h -> "retry-after".equalsIgnoreCase(h.getKey()))
                .flatMap(h -> h.getValue().stream()).findFirst().ifPresent(value -> {
                    try {
                        long seconds = Math.min(Long.parseLong(value.trim()), MAX_RETRY_AFTER_SECONDS);
                        Thread.sleep(seconds * 1000);
                    } catch (NumberFormatException httpDate) {
                        // An HTTP-date Retry-After: the caller's backoff applies
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                });
    }

    private static String outcome(BaseServerResponseException e) {
        return e.getOperationOutcome() == null ? String.valueOf(e.getMessage())
                : Fhir.r4().newJsonParser().encodeResourceToString(e.getOperationOutcome());
    }
}
