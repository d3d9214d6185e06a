package org.lemstriage.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * For plain JUnit 5 tests: starts the real in-JVM Kafka broker and the EHR (once per test JVM), and injects an
 * {@link Infrastructure} parameter that holds their addresses. The EHR is the sandbox, or with
 * {@code -Dlemstriage.test.ehr=hapi-jpa} the real HAPI FHIR JPA server ({@link HapiJpaServer}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrokerAndSandbox.Extension.class)
public @interface BrokerAndSandbox {

    /** Addresses of the real infrastructure a test runs against. */
    record Infrastructure(String bootstrapServers, String ehrBaseUrl) {
    }

    class Extension implements ParameterResolver {
        /** Whether this test JVM runs against the real FHIR server rather than the sandbox. */
        static boolean realEhr() {
            return "hapi-jpa".equals(System.getProperty("lemstriage.test.ehr"));
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Infrastructure.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return new Infrastructure(KafkaBroker.bootstrapServers(), realEhr() ? HapiJpaServer.shared().baseUrl()
                    : EhrSandboxes.shared().baseUrl());
        }
    }
}
