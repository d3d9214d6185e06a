package org.lemstriage.ehrclient;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.model.fhir.Fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The EHR's FHIR API through HAPI's generic client; every failure comes out as {@link EhrFailure}, transient or
 * permanent, so callers decide between retrying and parking without knowing HAPI's exceptions.
 */
public final class EhrClient {
    /** The longest Retry-After honoured; a longer one is left to the caller's backoff. */
    static final long MAX_RETRY_AFTER_SECONDS = 60;
    /**
     * For every search: {@code Cache-Control: no-cache}. A server may answer a repeated search from an earlier answer
     * (HAPI FHIR JPA does for 60 s by default), which would hide what was written since.
     */
    public static final CacheControlDirective FRESH = new CacheControlDirective().setNoCache(true);
    /** A bound on the pages one search reads: what a caller cannot finish in one go, it finishes next time. */
    public static final int MAX_PAGES = 20;
    /** The status given to an answer that is not valid FHIR: 502, an invalid response from the server behind. */
    public static final int UNREADABLE_ANSWER = 502;
    /** The element HAPI names in a parse failure, e.g. {@code [element="birthDate"]}. */
    private static final java.util.regex.Pattern ELEMENT = java.util.regex.Pattern.compile("\\[element=\"([A-Za-z0-9_.\\[\\]]+)\"\\]");
    private static final RetryAfterCapture RETRY_AFTER = new RetryAfterCapture();
    /**
     * Connections to the EHR: the classifier's 16 context readers each make up to 4 calls at once ({@link #start}), and
     * each must wait for the EHR, not for a connection, or a hung EHR would answer fewer reads per time-out than
     * when they ran one after another (HAPI's default pool is 20).
     */
    static final int MAX_CONNECTIONS = 64;
    /** Threads for calls started beside the caller's own; daemons: nothing waits for them at shutdown. */
    private static final ExecutorService ALONGSIDE = Context.taskWrapping(Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "ehr-call-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }));
    private final IGenericClient client;
    /** A span per call when the service traces (OpenTelemetry); no-op otherwise. */
    private Tracer tracer = OpenTelemetry.noop().getTracer(TRACER);
    /** Call latency by outcome, when the service has a registry (lemstriage_ehr_call_seconds). */
    private MeterRegistry registry;
    private String service;
    static final String TRACER = "org.lemstriage.ehrclient";

    public EhrClient(String baseUrl, int connectTimeoutMs, int readTimeoutMs) {
        var factory = Fhir.r4().getRestfulClientFactory();
        // No CapabilityStatement round trip before the first call: readiness checks the EHR instead
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setConnectTimeout(connectTimeoutMs);
        factory.setSocketTimeout(readTimeoutMs);
        factory.setPoolMaxTotal(MAX_CONNECTIONS);
        factory.setPoolMaxPerRoute(MAX_CONNECTIONS);
        this.client = Fhir.r4().newRestfulGenericClient(baseUrl);
        client.registerInterceptor(RETRY_AFTER);
    }

    /** From {@code lemstriage.ehr.*}: base URL, time-outs and authentication ({@link EhrAuth}). */
    public static EhrClient configured(EhrConfig config) {
        EhrClient client = new EhrClient(config.baseUrl().toString(), config.connectTimeoutMs(), config.readTimeoutMs());
        EhrAuth.from(config).ifPresent(client::with);
        return client;
    }

    /**
     * Every resource of {@code type} a search finds, following its next links for at most {@link #MAX_PAGES} pages;
     * any page that fails fails the whole search. {@code what} names the search (ids only) in a failure's message.
     */
    public <T extends Resource> List<T> searchAll(String what, Class<T> type, Function<IGenericClient, Bundle> firstPage) {
        return allPages(what, type, call(what, firstPage));
    }

    /** A search's matches of {@code type} from its first page on, following next links as {@link #searchAll} does. */
    <T extends Resource> List<T> allPages(String what, Class<T> type, Bundle firstPage) {
        Bundle page = firstPage;
        List<T> found = new ArrayList<>();
        for (int pages = 1; ; pages++) {
            page.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                    .map(type::cast).forEach(found::add);
            if (page.getLink(Bundle.LINK_NEXT) == null || pages >= MAX_PAGES) {
                return found;
            }
            Bundle current = page;
            page = call(what + " (next page)", c -> c.loadPage().next(current).execute());
        }
    }

    /**
     * Every call becomes a client span of the current trace, and the EHR gets its context (W3C {@code traceparent}),
     * so one trace goes from the result's arrival to the EHR's answer.
     */
    public EhrClient traced(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(TRACER);
        TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
        client.registerInterceptor(new IClientInterceptor() {
            @Override
            public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
                propagator.inject(Context.current(), request, (r, name, value) -> r.addHeader(name, value));
            }

            @Override
            public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {
                // nothing to read
            }
        });
        return this;
    }

    /**
     * Every call is timed, by outcome ({@code ok}, {@code transient}, {@code permanent}), as
     * {@code lemstriage_ehr_call_seconds} with a histogram (a dashboard's p95, an alert on the failure rate), and
     * counted by what it does as {@code lemstriage_ehr_requests_total} ({@code kind} read, write, or check for
     * readiness; a batch of reads is one read): the benchmark's EHR calls per decision.
     */
    public EhrClient metered(MeterRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
        return this;
    }

    /** Adds an interceptor to every call (authentication, for instance). */
    public EhrClient with(IClientInterceptor interceptor) {
        client.registerInterceptor(interceptor);
        return this;
    }

    /**
     * Starts independent calls (each a {@link #call} or {@link #searchAll}) on the client's own threads, within the
     * caller's trace, so that they wait for the EHR at the same time instead of one after another: in turn, a positive
     * result's context and episode reads are most of its way to a Task. {@link #result} gives each outcome.
     */
    public <T> CompletableFuture<T> start(Supplier<T> calls) {
        return CompletableFuture.supplyAsync(calls, ALONGSIDE);
    }

    /** What a {@link #start started} call gave, or the {@link EhrFailure} (or other failure) it ended with. */
    public static <T> T result(CompletableFuture<T> started) {
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Reads sent together in one round trip, as a FHIR batch ({@link EhrBatch}): add each read or search to it, then
     * {@link EhrBatch#send send} it.
     */
    public EhrBatch batch(String what) {
        return new EhrBatch(this, what);
    }

    /** Runs one interaction that reads; {@code what} names it (ids only) in the failure's message. */
    public <T> T call(String what, Function<IGenericClient, T> call) {
        return call(what, Kind.READ, call);
    }

    /** Runs one interaction that writes (a transaction); counted apart from reads. */
    public <T> T write(String what, Function<IGenericClient, T> call) {
        return call(what, Kind.WRITE, call);
    }

    /** Asks whether the EHR answers (its CapabilityStatement, for readiness): counted apart from a decision's reads. */
    public <T> T check(String what, Function<IGenericClient, T> call) {
        return call(what, Kind.CHECK, call);
    }

    /** What a request to the EHR does, as {@code lemstriage_ehr_requests_total} counts it. */
    enum Kind {
        READ, WRITE, CHECK;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private <T> T call(String what, Kind kind, Function<IGenericClient, T> call) {
        // The span's name is fixed (a trace backend groups by it); what it did, ids only, is an attribute
        Span span = tracer.spanBuilder("EHR call").setSpanKind(SpanKind.CLIENT).setAttribute("lemstriage.ehr.call", what).startSpan();
        long start = System.nanoTime();
        String outcome = "ok";
        try (Scope scope = span.makeCurrent()) {
            return attempt(what, call);
        } catch (EhrFailure failure) {
            outcome = failure instanceof EhrFailure.Permanent ? "permanent" : "transient";
            // Not the failure's message: it may quote the EHR's OperationOutcome, whose wording may echo patient data
            span.setStatus(StatusCode.ERROR, failure instanceof EhrFailure.Permanent p ? "EHR answered " + p.status() : "EHR unavailable");
            throw failure;
        } finally {
            span.end();
            if (registry != null) {
                registry.counter("lemstriage.ehr.requests", "service", service, "kind", kind.tag()).increment();
                Timer.builder("lemstriage.ehr.call").tag("service", service).tag("outcome", outcome).publishPercentileHistogram()
                        .description("EHR calls by outcome").register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    private <T> T attempt(String what, Function<IGenericClient, T> call) {
        RETRY_AFTER.seen.remove();
        try {
            return call.apply(client);
        } catch (FhirClientConnectionException e) {
            // HAPI's client reports an answer it could not parse as a connection failure; retrying would not help
            if (e.getCause() instanceof DataFormatException unreadable) {
                throw unreadable(what, unreadable);
            }
            throw new EhrFailure.Transient(what + ": EHR unreachable");
        } catch (DataFormatException e) {
            throw unreadable(what, e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status == 429) {
                honourRetryAfter(RETRY_AFTER.seen.get());
            }
            throw failure(what, status, outcome(e));
        }
    }

    /** The failure an answer with this status is: transient or permanent. */
    static EhrFailure failure(String what, int status, String ehrAnswer) {
        String summary = what + ": EHR answered " + status;
        // 409 and 412: the resource changed since it was read; reading and writing again will do
        if (status >= 500 || status == 408 || status == 429 || status == 409 || status == 412) {
            return new EhrFailure.Transient(summary, ehrAnswer);
        }
        return new EhrFailure.Permanent(status, summary, ehrAnswer);
    }

    /**
     * An answer that is not valid FHIR. HAPI's message quotes the offending value, which may be a patient's (a
     * birth date, a result); only the element it names goes on, since callers log and record this message.
     */
    private static EhrFailure.Permanent unreadable(String what, DataFormatException e) {
        return new EhrFailure.Permanent(UNREADABLE_ANSWER, what + ": the EHR's answer is not valid FHIR"
                + ELEMENT.matcher(String.valueOf(e.getMessage())).results().findFirst().map(m -> " at " + m.group(1)).orElse(""));
    }

    /** Waits out a 429's Retry-After (in seconds, at most a minute) before the caller's own retry delay. */
    private static void honourRetryAfter(String value) {
        if (value == null) {
            return;
        }
        try {
            long seconds = Math.min(Long.parseLong(value.trim()), MAX_RETRY_AFTER_SECONDS);
            Thread.sleep(seconds * 1000);
        } catch (NumberFormatException httpDate) {
            // An HTTP-date Retry-After: the caller's backoff applies
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * HAPI's client drops the response headers from the exceptions it throws, so the Retry-After of the call in
     * progress is caught on its way in, on the calling thread.
     */
    private static final class RetryAfterCapture implements IClientInterceptor {
        final ThreadLocal<String> seen = new ThreadLocal<>();

        @Override
        public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
            // nothing to add
        }

        @Override
        public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {
            if (response.getStatus() == 429) {
                var values = response.getHeaders("Retry-After");
                seen.set(values == null || values.isEmpty() ? null : values.get(0));
            }
        }
    }

    private static String outcome(BaseServerResponseException e) {
        return e.getOperationOutcome() == null ? String.valueOf(e.getMessage())
                : Fhir.r4().newJsonParser().encodeResourceToString(e.getOperationOutcome());
    }
}
