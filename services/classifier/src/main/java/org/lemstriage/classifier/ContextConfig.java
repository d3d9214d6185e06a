package org.lemstriage.classifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code lemstriage.context.*}: how decisions wait for the EHR's clinical context. Checked when the classifier
 * starts: a value of the wrong type, or an unknown {@code lemstriage.context.} property, stops it with a message
 * naming the property.
 */
@ConfigMapping(prefix = "lemstriage.context")
public interface ContextConfig {

    /** A decision on a positive result waits this long for the context, then goes ahead on the antibodies alone. */
    @WithDefault("10s")
    Duration hold();

    /** An unanswered context is asked again after this, doubling up to {@link #maxRetry()}. */
    @WithDefault("30s")
    Duration firstRetry();

    @WithDefault("30m")
    Duration maxRetry();

    /**
     * How often a running surveillance reads the EHR again when no round falls due sooner: a tumour recorded or a
     * round completed is seen within this.
     */
    @WithDefault("1d")
    Duration reviewEvery();

    /** How often waiting decisions are looked at (the Streams punctuator). */
    @WithDefault("1s")
    Duration timer();
}
