package org.lemstriage.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.sandbox.auth.SmartAuthorization;
import org.lemstriage.sandbox.auth.SmartConfigurationServlet;
import org.lemstriage.sandbox.auth.BearerTokenFilter;
import org.lemstriage.sandbox.auth.TokenServlet;
import org.lemstriage.sandbox.fhir.FaultInjection;
import org.lemstriage.sandbox.fhir.TraceContextLog;
import org.lemstriage.sandbox.fhir.InMemoryResourceProvider;
import org.lemstriage.sandbox.fhir.SearchReuse;
import org.lemstriage.sandbox.fhir.SeedLoader;
import org.lemstriage.sandbox.fhir.TransactionProvider;
import org.lemstriage.sandbox.store.InMemoryStore;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The stand-in EHR: HAPI FHIR's RestfulServer, in memory, on an embedded Jetty, FHIR base {@code /fhir}.
 * Starts in-process (tests) or as its own JVM ({@link EhrSandboxMain}, the local stack).
 */
public final class EhrSandbox implements AutoCloseable {
    public static final List<Class<? extends Resource>> TYPES = List.of(Patient.class, Observation.class,
            Condition.class, Task.class, ServiceRequest.class, Provenance.class, Organization.class,
            // The ordering clinician and the messages lems-triage sends them; the patient's reminders and their opt-out
            Practitioner.class, PractitionerRole.class, Communication.class, CommunicationRequest.class, Consent.class,
            // Radiology's reports of the screening orders
            DiagnosticReport.class);

    private final Server jetty;
    private final InMemoryStore store;
    private final FaultInjection faults;
    private final TraceContextLog traces;
    private final int port;

    private EhrSandbox(Server jetty, InMemoryStore store, FaultInjection faults, TraceContextLog traces) {
        this.traces = traces;
        this.jetty = jetty;
        this.store = store;
        this.faults = faults;
        this.port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /**
     * Starts on {@code host:port} (port 0: any free port), loading the classpath seed and then every FHIR JSON
     * file in {@code seedDir} (null: none).
     */
    public static EhrSandbox start(String host, int port, Path seedDir) throws Exception {
        return start(host, port, seedDir, null);
    }

    /**
     * As {@link #start(String, int, Path)}; with {@code smart} not null the sandbox also serves SMART Backend Services
     * ({@code /auth/token}, {@code /fhir/.well-known/smart-configuration}) and requires a bearer token on every FHIR
     * request but the CapabilityStatement.
     */
    public static EhrSandbox start(String host, int port, Path seedDir, SmartAuthorization smart) throws Exception {
        FhirContext fhir = FhirContext.forR4Cached();
        InMemoryStore store = new InMemoryStore(fhir);
        RestfulServer restful = new RestfulServer(fhir);
        restful.setDefaultResponseEncoding(EncodingEnum.JSON);
        restful.setPagingProvider(pagingProvider());
        Set<String> typeNames = new LinkedHashSet<>();
        FaultInjection faults = new FaultInjection(new SearchReuse(store));
        for (Class<? extends Resource> type : TYPES) {
            restful.registerProvider(new InMemoryResourceProvider<>(type, store, faults.searches()));
            typeNames.add(fhir.getResourceType(type));
        }
        restful.registerProvider(new TransactionProvider(store, typeNames, faults));

        SeedLoader seed = new SeedLoader(store, typeNames);
        seed.loadClasspath();
        if (seedDir != null) {
            seed.loadFolder(seedDir);
        }

        Server jetty = new Server(new InetSocketAddress(host, port));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(restful), "/fhir/*");
        TraceContextLog traces = new TraceContextLog();
        context.addFilter(new FilterHolder(traces), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(faults), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
        if (smart != null) {
            context.addServlet(new ServletHolder(new TokenServlet(smart)), "/auth/token");
            context.addServlet(new ServletHolder(new SmartConfigurationServlet()), "/fhir/.well-known/smart-configuration");
            context.addFilter(new FilterHolder(new BearerTokenFilter(smart)), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
        }
        jetty.setHandler(context);
        jetty.start();
        return new EhrSandbox(jetty, store, faults, traces);
    }

    private static FifoMemoryPagingProvider pagingProvider() {
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(100);
        paging.setDefaultPageSize(50);
        paging.setMaximumPageSize(500);
        return paging;
    }

    public int port() {
        return port;
    }

    /** The FHIR base URL, e.g. {@code http://localhost:8090/fhir}. */
    public String baseUrl() {
        return "http://localhost:" + port() + "/fhir";
    }

    /** Stops answering (the port refuses connections) while keeping every resource: an EHR outage. */
    public void pause() throws Exception {
        ((ServerConnector) jetty.getConnectors()[0]).setPort(port); // come back on the same port
        jetty.stop();
    }

    /** Answers again, on the same port, with the same resources. */
    public void resume() throws Exception {
        jetty.start();
    }

    /** Injected failures and stale searches, for tests of retry, backoff, isolation and what a real server may do. */
    public FaultInjection faults() {
        return faults;
    }

    /** The trace context of the requests that carried one, oldest first. */
    public List<TraceContextLog.TracedRequest> tracedRequests() {
        return traces.requests();
    }

    public InMemoryStore store() {
        return store;
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
