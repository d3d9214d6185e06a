package org.lemstriage.readside.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.jboss.logging.Logger;

/**
 * Logs the API's failures without what was asked: HAPI's own handler logs a refused parameter's value at ERROR, and a
 * search value may be a patient's identifier. A 4xx is the caller's to fix and goes unlogged; a 5xx is logged with
 * the resource type and the exception's class.
 */
@Interceptor
public class FailureLog {
    private static final Logger LOG = Logger.getLogger(FailureLog.class);

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean failed(RequestDetails request, BaseServerResponseException failure) {
        if (failure.getStatusCode() >= 500) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            LOG.errorf("%s %s answered HTTP %d: %s", request.getRequestType(), request.getResourceName(), failure.getStatusCode(),
                    cause.getClass().getName());
        }
        return true;
    }
}
