package org.lemstriage.readside.fhir;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletResponse;
import org.lemstriage.model.fhir.Fhir;

/**
 * The FHIR R4 read API of the audit store, HAPI FHIR's plain server under /fhir: AuditEvent read and search, the yield
 * Measure and its {@code $evaluate-measure} ({@link MeasureProvider}), JSON
 * by default (XML on request), errors as OperationOutcomes, 50 a page unless {@code _count} asks for up to 500
 * ({@link PageLimits}). It does not name itself in an {@code X-Powered-By} header.
 */
@WebServlet(urlPatterns = "/fhir/*", loadOnStartup = 1)
public class AuditFhirServer extends RestfulServer {
    @Inject
    AuditEventProvider auditEvents;
    @Inject
    PatientReadAudit readAudit;
    @Inject
    MeasureProvider measures;

    public AuditFhirServer() {
        super(Fhir.r4());
    }

    @Override
    protected void initialize() {
        setDefaultResponseEncoding(EncodingEnum.JSON);
        setDefaultPageSize(AuditEventProvider.PAGE);
        setMaximumPageSize(AuditEventProvider.MAXIMUM_PAGE);
        registerInterceptor(new PageLimits(AuditEventProvider.MAXIMUM_PAGE));
        registerProvider(auditEvents);
        registerProvider(measures);
        registerInterceptor(readAudit);
        registerInterceptor(new FailureLog());
    }

    @Override
    public void addHeadersToResponse(HttpServletResponse response) {
        // HAPI's default adds X-Powered-By with its name and version: nothing a caller needs
    }
}
