package org.lemstriage.notifier.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.model.fhir.Fhir;

import java.util.function.Function;

/** The EHR's FHIR API through HAPI's generic client; every failure is classified as transient or permanent. */
@ApplicationScoped
public class EhrClient {
    private final IGenericClient client;

    public EhrClient(@ConfigProperty(name = "lemstriage.ehr.base-url") String baseUrl,
                     @ConfigProperty(name = "lemstriage.ehr.connect-timeout-ms", defaultValue = "5000") int connectTimeout,
                     @ConfigProperty(name = "lemstriage.ehr.read-timeout-ms", defaultValue = "30000") int readTimeout) {
        FhirContext fhir = Fhir.r4();
        // No CapabilityStatement round trip before the first call: readiness checks the EHR instead
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        fhir.getRestfulClientFactory().setConnectTimeout(connectTimeout);
        fhir.getRestfulClientFactory().setSocketTimeout(readTimeout);
        this.client = fhir.newRestfulGenericClient(baseUrl);
    }

    public <T> T call(String what, Function<IGenericClient, T> call) {
        try {
            return call.apply(client);
        } catch (FhirClientConnectionException e) {
            throw new EhrFailure.Transient(what + ": EHR unreachable");
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            String answer = what + ": EHR answered " + status + " " + outcome(e);
            if (status >= 500 || status == 408 || status == 429) {
                throw new EhrFailure.Transient(answer);
            }
            throw new EhrFailure.Permanent(answer);
        }
    }

    private static String outcome(BaseServerResponseException e) {
        return e.getOperationOutcome() == null ? String.valueOf(e.getMessage())
                : Fhir.r4().newJsonParser().encodeResourceToString(e.getOperationOutcome());
    }
}
