package org.lemstriage.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code lemstriage.notifier.*}, checked when the notifier starts: a value of the wrong type, or an unknown
 * {@code lemstriage.notifier.} property, stops it with a message naming the property.
 */
@ConfigMapping(prefix = "lemstriage.notifier")
public interface NotifierConfig {

    /** {@code Task.owner}: the oncology worklist (a reference to an Organization, Group or PractitionerRole). */
    @WithDefault("Organization/oncology-screening-worklist")
    String worklist();
}
