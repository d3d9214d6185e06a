package org.lemstriage.readside.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.readside.store.EpisodeHistories;
import org.lemstriage.readside.yield.YieldMeasure;
import org.lemstriage.readside.yield.YieldReports;

import java.sql.SQLException;
import java.time.LocalDate;

/**
 * {@code GET /fhir/Measure/lems-triage-yield}: the yield Measure; {@code GET /fhir/Measure/lems-triage-yield/$evaluate-measure
 * ?periodStart=&periodEnd=} (dates, both optional): its MeasureReport over the episodes opened in the period. Counts
 * only; 503 when the EHR, which holds what was done, does not answer.
 */
@ApplicationScoped
public class MeasureProvider implements IResourceProvider {
    private final YieldReports reports;

    public MeasureProvider(YieldReports reports) {
        this.reports = reports;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return Measure.class;
    }

    @Read
    public Measure read(@IdParam IdType id) {
        known(id);
        return reports.measure().measure();
    }

    @Operation(name = "$evaluate-measure", idempotent = true)
    public MeasureReport evaluate(@IdParam IdType id, @OperationParam(name = "periodStart") DateType start,
                                  @OperationParam(name = "periodEnd") DateType end) throws SQLException {
        known(id);
        try {
            return reports.report(start == null ? null : day(start, false), end == null ? null : day(end, true));
        } catch (IllegalArgumentException | EpisodeHistories.TooMany e) {
            throw new InvalidRequestException(e.getMessage());
        } catch (EhrFailure e) {
            throw new UnclassifiedServerFailureException(503, "the EHR did not answer (" + e.summary() + "): the yield "
                    + "needs what it holds; try again");
        }
    }

    /** A FHIR date of any precision as its first day (a start) or last day (an end): 2026 is 2026-01-01 to 2026-12-31. */
    static LocalDate day(DateType date, boolean end) {
        String value = date.getValueAsString();
        return switch (date.getPrecision()) {
            case YEAR -> end ? LocalDate.of(date.getYear(), 12, 31) : LocalDate.of(date.getYear(), 1, 1);
            case MONTH -> {
                LocalDate first = LocalDate.of(date.getYear(), date.getMonth() + 1, 1);
                yield end ? first.plusMonths(1).minusDays(1) : first;
            }
            default -> LocalDate.parse(value.substring(0, 10));
        };
    }

    private static void known(IdType id) {
        if (!YieldMeasure.ID.equals(id.getIdPart())) {
            throw new ResourceNotFoundException("Measure/" + id.getIdPart() + " is not known here; Measure/" + YieldMeasure.ID + " is");
        }
    }
}
