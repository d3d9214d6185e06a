package org.lemstriage.ingest.http;

import jakarta.ws.rs.core.Response;
import org.lemstriage.ingest.IngestConfig;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.lemstriage.ingest.fhir.FhirFormat;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body larger than the limit (default 10 MiB) is refused with a 413 OperationOutcome: before it is read when it
 * declares its Content-Length ({@link DeclaredLengthLimit}), else (chunked) as soon as reading it passes the limit. Quarkus' own quarkus.http.limits.max-body-size stays above it as the hard cap on what is buffered.
 */
@Provider
public class RequestSizeLimit implements ReaderInterceptor {
    private final long maxBytes;

    public RequestSizeLimit(IngestConfig config) {
        this.maxBytes = config.maxRequestBytes();
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new LimitedStream(context.getInputStream()));
        return context.proceed();
    }

    /** The 413 of a body over {@code maxBytes}, in the request's format. */
    static Response tooLarge(long maxBytes, String contentType) {
        return FhirResponses.response(413, IssueSeverity.ERROR, IssueType.TOOLONG,
                "The request body is larger than " + maxBytes + " bytes", null,
                FhirFormat.ofContentType(contentType));
    }

    /** Counts what is read and stops at the limit. */
    private final class LimitedStream extends FilterInputStream {
        private long read;

        LimitedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > maxBytes) {
                throw new WebApplicationException("The request body is larger than " + maxBytes + " bytes", 413);
            }
        }
    }
}
