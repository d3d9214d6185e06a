package org.lemstriage.readside.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/**
 * The paging a search may ask for: {@code _count} and {@code _offset} are each given once, as a whole number of at
 * least 0 (else 400, naming the parameter); a {@code _count} above {@link #maximum} is served as {@link #maximum}, so
 * no request reads the whole store and the next link pages on from there.
 */
@Interceptor
public final class PageLimits {
    private final int maximum;

    public PageLimits(int maximum) {
        this.maximum = maximum;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request) {
        Integer count = wholeNumber(request, Constants.PARAM_COUNT);
        wholeNumber(request, Constants.PARAM_OFFSET);
        if (count != null && count > maximum) {
            request.addParameter(Constants.PARAM_COUNT, new String[] {Integer.toString(maximum)});
        }
    }

    private static Integer wholeNumber(RequestDetails request, String name) {
        String[] values = request.getParameters().get(name);
        if (values == null) {
            return null;
        }
        if (values.length != 1 || !values[0].matches("\\d{1,9}")) {
            throw new InvalidRequestException("search parameter " + name + " takes one whole number, 0 or more, not '"
                    + String.join("', '", values) + "'");
        }
        return Integer.valueOf(values[0]);
    }
}
