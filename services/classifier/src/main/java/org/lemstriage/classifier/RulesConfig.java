package org.lemstriage.classifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.lemstriage.classifier.rules.ScreeningPlanner.LowTierPlan;

import java.nio.file.Path;
import java.util.Optional;

/** {@code lemstriage.rules.*}: the data and policies behind the ruleset that a deployer may choose. */
@ConfigMapping(prefix = "lemstriage.rules")
public interface RulesConfig {

    /** JSON code lists behind the DELTA-P items and the lung-cancer exclusion; the shipped file by default. */
    Optional<Path> deltaPCodes();

    /**
     * The LOW tier's plan: {@code full} (two years, the default of ruleset 2.0) or {@code shortened} (one repeat at
     * 6 months, Titulaer 2011). See {@link org.lemstriage.classifier.rules.ScreeningPlanner}.
     */
    @WithDefault("full")
    LowTierPlan lowTierPlan();
}
