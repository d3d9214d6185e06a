package org.lemstriage.model;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The topic names of {@link Topics} as configuration, {@code lemstriage.topic.<name>}, so that a service's channel
 * configuration refers to them instead of spelling them again. Found through {@code META-INF/services} by every
 * MicroProfile Config (Quarkus' included).
 */
public class TopicNames implements ConfigSource {
    static final String PREFIX = "lemstriage.topic.";

    @Override
    public Set<String> getPropertyNames() {
        return Topics.BY_CONFIG_NAME.keySet().stream().map(name -> PREFIX + name).collect(Collectors.toSet());
    }

    @Override
    public String getValue(String propertyName) {
        return propertyName.startsWith(PREFIX) ? Topics.BY_CONFIG_NAME.get(propertyName.substring(PREFIX.length())) : null;
    }

    @Override
    public String getName() {
        return "lems-triage topics";
    }
}
