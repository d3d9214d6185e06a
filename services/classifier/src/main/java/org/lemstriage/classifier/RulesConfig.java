package org.lemstriage.classifier;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** {@code lemstriage.rules.*}: the data behind the ruleset that a deployer may replace. */
@ConfigMapping(prefix = "lemstriage.rules")
public interface RulesConfig {

    /** JSON code lists behind the DELTA-P items and the lung-cancer exclusion; the shipped file by default. */
    Optional<Path> deltaPCodes();
}
