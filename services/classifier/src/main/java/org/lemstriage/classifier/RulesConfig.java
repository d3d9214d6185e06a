package org.lemstriage.classifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner.LowTierPlan;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Optional;

/** {@code lemstriage.rules.*}: the data and policies behind the ruleset that a deployer may choose. */
@ConfigMapping(prefix = "lemstriage.rules")
public interface RulesConfig {

    /**
     * JSON code lists the rules read the EHR by (DELTA-P items, tumours, pregnancy, LEMS diagnosis); the shipped file
     * by default. See {@link org.lemstriage.classifier.rules.ClinicalCodes}.
     */
    Optional<Path> clinicalCodes();

    /**
     * Ruleset 2.0's name for the code lists, read only to refuse it: a deployer's file set under it must not be
     * silently replaced by the shipped one, and it lacks the lists of ruleset 3.0.
     */
    Optional<Path> deltaPCodes();

    /**
     * The highest P/Q-type VGCC antibody value, in nmol/L, that is a low titre needing a clinician's confirmation
     * before imaging ({@link org.lemstriage.classifier.rules.LowTitreRule}): 0.10 by default, the upper end of the low
     * band of Zalewski et al., Muscle Nerve 2016.
     */
    @WithDefault(Ruleset.LOW_TITRE_MAX)
    BigDecimal lowTitreMax();

    /**
     * The LOW tier's plan: {@code full} (two years, the default of ruleset 2.0) or {@code shortened} (one repeat at
     * 6 months, Titulaer 2011). See {@link org.lemstriage.classifier.rules.ScreeningPlanner}.
     */
    @WithDefault("full")
    LowTierPlan lowTierPlan();
}
