package org.lemstriage.readside.trail;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A console page or CDS Hooks answer whose read could not be audited: 503, and none of the data. */
@Provider
public class ReadNotAuditedMapper implements ExceptionMapper<ReadAuditTrail.ReadNotAudited> {
    @Override
    public Response toResponse(ReadAuditTrail.ReadNotAudited e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN).entity(ReadAuditTrail.ReadNotAudited.MESSAGE)
                .header("Retry-After", "10").build();
    }
}
