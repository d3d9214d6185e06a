package org.lemstriage.hapijpa;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts HAPI FHIR's JPA server ({@link JpaServerConfig}) on {@code 127.0.0.1:<port>} with FHIR base {@code /fhir},
 * loads the given seed Bundles (collections are stored as they are, by their own ids), and prints
 * {@code HAPI FHIR JPA server ready on port <port>} once it answers. Arguments: {@code <port> [seed.json ...]};
 * port 0 takes a free one. With {@code -Dlemstriage.exit-with-parent=true} it stops when the process that started it
 * ends, however that ended (a test JVM killed or exiting without its own clean-up).
 */
public final class HapiJpaMain {
    public static final String READY = "HAPI FHIR JPA server ready on port ";

    private HapiJpaMain() {
    }

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean("lemstriage.exit-with-parent")) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(JpaServerConfig.class);
        IFhirSystemDao<Bundle, ?> system = spring.getBean(IFhirSystemDao.class);
        FhirContext fhir = system.getContext();

        RestfulServer restful = new RestfulServer(fhir);
        restful.registerProviders(spring.getBean(ResourceProviderFactory.class).createProviders());
        restful.registerProvider(spring.getBean("mySystemProviderR4"));
        restful.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
        restful.setDefaultResponseEncoding(EncodingEnum.JSON);
        restful.setServerConformanceProvider(new JpaCapabilityStatementProvider(restful, system,
                spring.getBean(JpaStorageSettings.class), spring.getBean(ISearchParamRegistry.class),
                spring.getBean(IValidationSupport.class)));

        // Loopback unless told (the compose stand-in listens on its container's network: -Dlemstriage.hapi.host=0.0.0.0)
        Server jetty = new Server(new InetSocketAddress(System.getProperty("lemstriage.hapi.host", "127.0.0.1"), port));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(restful), "/fhir/*");
        jetty.setHandler(context);
        jetty.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                jetty.stop();
            } catch (Exception ignored) {
                // stopping anyway
            }
            spring.close();
        }));

        for (int i = 1; i < args.length; i++) {
            seed(system, fhir, Path.of(args[i]));
        }
        System.out.println(READY + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort());
        System.out.flush();
        jetty.join();
    }

    /** A collection Bundle stored as a transaction of updates by the resources' own ids. */
    private static void seed(IFhirSystemDao<Bundle, ?> system, FhirContext fhir, Path file) throws Exception {
        Bundle seed = fhir.newJsonParser().parseResource(Bundle.class, Files.readString(file));
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Bundle.BundleEntryComponent entry : seed.getEntry()) {
            Resource resource = entry.getResource();
            String url = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            transaction.addEntry().setFullUrl(url).setResource(resource).getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
        }
        system.transaction(new SystemRequestDetails(), transaction);
    }
}
