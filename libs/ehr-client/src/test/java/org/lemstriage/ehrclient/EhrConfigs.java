package org.lemstriage.ehrclient;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.util.Map;

/** {@link EhrConfig} from properties, mapped and checked as a service does at start-up. */
final class EhrConfigs {
    private EhrConfigs() {
    }

    static EhrConfig of(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withMapping(EhrConfig.class)
                .build();
        return config.getConfigMapping(EhrConfig.class);
    }
}
