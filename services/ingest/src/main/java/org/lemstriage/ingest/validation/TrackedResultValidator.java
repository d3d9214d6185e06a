package org.lemstriage.ingest.validation;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.IngestConfig;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.model.fhir.Fhir;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The second depth of validation: the FHIR validator (org.hl7.fhir.validation, through HAPI's R4 support chain)
 * against the R4 base specification, for results of tracked analytes only; the others are acknowledged, not kept,
 * and parsing strictly is enough for them. Errors answer 422, each naming its element; warnings pass.
 * <p>
 * It validates against the cut R4 definitions ({@link CutR4Definitions}): about 100 MiB less live heap and a faster
 * start. A validation that asked for a definition the cut lacks is done again against the full R4 definitions,
 * loaded the first time that happens, so the answer is the full definitions' answer ({@code ValidatorEquivalenceTest}
 * compares them). The cut pool is built in the background at start-up, and ingest reports ready only once it is
 * ({@link #ready()}, read by its readiness check), so a load balancer sends no tracked result that could only wait.
 */
@ApplicationScoped
public class TrackedResultValidator {
    private static final Logger LOG = Logger.getLogger(TrackedResultValidator.class);

    private final boolean enabled;
    private final int poolSize;
    private final CompletableFuture<ValidatorPool> cut = new CompletableFuture<>();
    private final AtomicBoolean building = new AtomicBoolean();
    private volatile ValidatorPool full;
    private final LongAdder byCut = new LongAdder();
    private final LongAdder byFull = new LongAdder();
    /** Definitions the cut lacked (canonical URLs of the R4 specification), each of the first hundred logged once. */
    private final Set<String> missed = ConcurrentHashMap.newKeySet();
    private static final int MISSES_LOGGED = 100;

    @jakarta.inject.Inject
    public TrackedResultValidator(IngestConfig config) {
        this(config.validation().enabled(), config.validation().pool());
    }

    public TrackedResultValidator(boolean enabled, int poolSize) {
        this.enabled = enabled;
        this.poolSize = poolSize;
    }

    void warm(@Observes StartupEvent started) {
        if (enabled) {
            Thread warmUp = new Thread(this::build, "validator-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }

    /** Builds the cut pool once, whoever asks first; later callers wait for it. */
    private void build() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            var fhir = Fhir.r4();
            cut.complete(ValidatorPool.cut(new CutR4Definitions(fhir), fhir, poolSize));
            LOG.infof("instance validator pool (%d) ready in %d ms", poolSize, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | Error e) {
            cut.completeExceptionally(e);
            LOG.errorf("instance validator not built: %s", e); // at start-up, from the R4 definitions: no patient data
        }
    }

    /**
     * The full definitions' pool, built by the first validation that needs it: several seconds, on that request's
     * thread, while others that need it wait.
     */
    private ValidatorPool full() {
        ValidatorPool pool = full;
        if (pool == null) {
            synchronized (this) {
                pool = full;
                if (pool == null) {
                    long t0 = System.nanoTime();
                    try {
                        pool = ValidatorPool.full(Fhir.r4(), poolSize);
                    } catch (RuntimeException | Error e) {
                        // this request fails (500: sent again later); the next one that needs them tries again
                        LOG.errorf("the full R4 definitions were not loaded: %s", e);
                        throw e;
                    }
                    full = pool;
                    LOG.infof("a tracked result needed an R4 definition the cut set lacks: the full R4 definitions "
                            + "were loaded in %d ms, for such results from now on", (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return pool;
    }

    /** Whether a tracked result would be validated now without waiting: the pool is built, or validation is off. */
    public boolean ready() {
        return !enabled || (cut.isDone() && !cut.isCompletedExceptionally());
    }

    /** Validations answered by the cut definitions alone, and those done again against the full ones. */
    public long byCutDefinitions() {
        return byCut.sum();
    }

    public long byFullDefinitions() {
        return byFull.sum();
    }

    /** Throws 422 listing every error found in the resource (FHIR JSON); a blocking call (never on the event loop). */
    public void validate(String resourceJson) {
        if (!enabled) {
            return;
        }
        List<ValidationMessage> messages = messages(resourceJson);
        List<FhirInputException.Issue> errors = messages.stream()
                .filter(m -> m.getLevel() == ValidationMessage.IssueSeverity.ERROR || m.getLevel() == ValidationMessage.IssueSeverity.FATAL)
                .map(m -> new FhirInputException.Issue(m.getLocation(), m.getMessage())).toList();
        if (!errors.isEmpty()) {
            throw new FhirInputException(422, errors);
        }
    }

    /** Everything the validator says of the resource: errors, warnings and information, as the full definitions say it. */
    List<ValidationMessage> messages(String resourceJson) {
        build(); // no-op once started: a request arriving during warm-up waits for it below
        ValidatorPool.Outcome outcome = cut.join().validate(resourceJson);
        if (outcome.missed() == null) {
            byCut.increment();
            return outcome.messages();
        }
        if (missed.size() < MISSES_LOGGED && missed.add(outcome.missed())) {
            LOG.infof("validated against the full R4 definitions: the cut lacks %s", outcome.missed());
        }
        List<ValidationMessage> messages = full().validate(resourceJson).messages();
        byFull.increment();
        return messages;
    }
}
