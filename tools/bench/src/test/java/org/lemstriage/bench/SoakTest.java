package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class SoakTest {
    @Test
    void theSendersTokenIsSignedAgainOnceItIsOlderThanAsked() {
        AtomicInteger signed = new AtomicInteger();
        Supplier<String> hourly = Soak.renewedEvery(Duration.ofHours(1), () -> "token-" + signed.incrementAndGet());
        assertThat(hourly.get()).isEqualTo("token-1");
        assertThat(hourly.get()).isEqualTo("token-1");
        Supplier<String> always = Soak.renewedEvery(Duration.ZERO, () -> "token-" + signed.incrementAndGet());
        assertThat(always.get()).isEqualTo("token-3");
        assertThat(always.get()).isEqualTo("token-4");
    }
}
