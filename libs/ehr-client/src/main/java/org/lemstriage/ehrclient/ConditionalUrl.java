package org.lemstriage.ehrclient;

import ca.uhn.fhir.rest.gclient.ICriterion;
import ca.uhn.fhir.rest.gclient.ICriterionInternal;
import ca.uhn.fhir.util.UrlUtil;
import org.lemstriage.model.fhir.Fhir;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The query of a conditional request in a transaction Bundle ({@code ifNoneExist}, a conditional update's URL), built
 * from HAPI's typed criteria as its generic client builds a search: each value escaped as FHIR search requires
 * ({@code \,} {@code \|} {@code \$} {@code \\}, by the criterion) and URL-encoded. A Bundle entry takes the query as
 * text, so this is the one place that writes it; nothing is concatenated by hand.
 */
public final class ConditionalUrl {
    private ConditionalUrl() {
    }

    /** {@code name=value&...} for the criteria, e.g. {@code Task.IDENTIFIER.exactly().systemAndCode(system, value)}. */
    public static String query(ICriterion<?>... criteria) {
        return Arrays.stream(criteria).map(c -> (ICriterionInternal) c)
                .map(c -> c.getParameterName() + "=" + UrlUtil.escapeUrlParam(c.getParameterValue(Fhir.r4())))
                .collect(Collectors.joining("&"));
    }
}
