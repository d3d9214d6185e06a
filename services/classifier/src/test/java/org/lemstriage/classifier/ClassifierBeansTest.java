package org.lemstriage.classifier;

import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.rules.ScreeningPlanner;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassifierBeansTest {

    @Test
    void ruleset2sCodeListSettingStopsTheStartInsteadOfBeingIgnored() {
        RulesConfig old = new RulesConfig() {
            @Override
            public Optional<Path> clinicalCodes() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> deltaPCodes() {
                return Optional.of(Path.of("/etc/lems-triage/delta-p-codes.json"));
            }

            @Override
            public BigDecimal lowTitreMax() {
                return new BigDecimal("0.10");
            }

            @Override
            public ScreeningPlanner.LowTierPlan lowTierPlan() {
                return ScreeningPlanner.LowTierPlan.FULL;
            }
        };
        assertThatThrownBy(() -> new ClassifierBeans().codes(old)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lemstriage.rules.clinical-codes");
    }
}
