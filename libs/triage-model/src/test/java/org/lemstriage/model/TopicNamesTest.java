package org.lemstriage.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {
    private final TopicNames names = new TopicNames();

    @Test
    void everyTopicIsServedAsConfigurationAndNothingElse() {
        assertThat(names.getPropertyNames()).hasSize(Topics.ALL.size()).allMatch(n -> n.startsWith("lemstriage.topic."));
        assertThat(names.getPropertyNames().stream().map(names::getValue)).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(names.getValue("lemstriage.topic.lab-observation")).isEqualTo(Topics.LAB_OBSERVATION);
        assertThat(names.getValue("lemstriage.topic.nothing")).isNull();
        assertThat(names.getValue("lemstriage.ehr.base-url")).isNull();
    }
}
