package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.lemstriage.ingest.IngestConfig;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerFactory;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.jboss.logging.Logger;
import org.lemstriage.model.fhir.Fhir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The second depth of validation: the FHIR validator (org.hl7.fhir.validation, through HAPI's R4 support chain)
 * against the R4 base specification, for results of tracked analytes only; the others are acknowledged, not kept,
 * and parsing strictly is enough for them. Errors answer 422, each naming its element; warnings pass.
 * <p>
 * Why not HAPI's FhirValidator alone: it builds a new InstanceValidator on every call, and that constructor re-reads
 * the OID registry (about two thirds of each call, measured with JFR; 40 validations a second on this machine).
 * HAPI keeps the expensive part, the worker context over the support chain, in its FhirInstanceValidator; here that
 * context is taken from it and a few InstanceValidators, configured as HAPI's wrapper configures them, are kept in
 * a pool and reused (they are not thread-safe; one caller at a time each), each replaced after
 * {@link #USES_BEFORE_RECYCLING} uses. Built and warmed in the background at start-up; ingest reports ready only
 * once the pool is ({@link #ready()}, read by its readiness check), so a load balancer sends no tracked result that
 * could only wait for it.
 */
@ApplicationScoped
public class TrackedResultValidator {
    private static final Logger LOG = Logger.getLogger(TrackedResultValidator.class);

    private final boolean enabled;
    private final int poolSize;
    /**
     * Uses of one InstanceValidator before it is replaced. It keeps state from every resource it validated: one kept
     * for 4,000 calls slowed from about 2 ms to tens of ms per Observation, and what it holds stays on the heap
     * until it is dropped. Recycled every 200 or 500 uses it stayed at 1-2 ms (on this machine, one thread); the new
     * one's constructor (the OID registry again) costs about 20 ms, a tenth of a millisecond per use.
     */
    static final int USES_BEFORE_RECYCLING = 200;

    private final CompletableFuture<BlockingQueue<Pooled>> pool = new CompletableFuture<>();
    private final AtomicBoolean building = new AtomicBoolean();

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

    /** Builds the pool once, whoever asks first; later callers wait for it. */
    private void build() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            var fhir = Fhir.r4();
            var chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                    new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                    new SnapshotGeneratingValidationSupport(fhir));
            var hapi = new FhirInstanceValidator(chain);
            // HAPI creates its worker context on first use: one validation through HAPI's own API, which also loads
            // the R4 definitions now rather than on a sender's request
            fhir.newValidator().registerValidatorModule(hapi).validateWithResult(new Observation().setStatus(Observation.ObservationStatus.FINAL));
            Factory factory = new Factory(hapi);
            BlockingQueue<Pooled> validators = new ArrayBlockingQueue<>(poolSize);
            for (int i = 0; i < poolSize; i++) {
                Pooled v = new Pooled(factory);
                v.validator.validate(null, new ArrayList<>(), json(fhir.newJsonParser().encodeResourceToString(
                        new Observation().setStatus(Observation.ObservationStatus.FINAL))), Manager.FhirFormat.JSON);
                validators.add(v);
            }
            pool.complete(validators);
            LOG.infof("instance validator pool (%d) ready in %d ms", poolSize, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | Error e) {
            pool.completeExceptionally(e);
            LOG.errorf("instance validator not built: %s", e); // at start-up, from the R4 definitions: no patient data
        }
    }

    /** Whether a tracked result would be validated now without waiting: the pool is built, or validation is off. */
    public boolean ready() {
        return !enabled || (pool.isDone() && !pool.isCompletedExceptionally());
    }

    /** Throws 422 listing every error found in the Observation (FHIR JSON); a blocking call (never on the event loop). */
    public void validate(String observationJson) {
        if (!enabled) {
            return;
        }
        build(); // no-op once started: a request arriving during warm-up waits for it below
        BlockingQueue<Pooled> validators = pool.join();
        List<ValidationMessage> messages = new ArrayList<>();
        Pooled v;
        try {
            v = validators.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a validator", e);
        }
        try {
            v.validator.validate(null, messages, json(observationJson), Manager.FhirFormat.JSON);
        } finally {
            validators.add(v.used());
        }
        List<FhirInputException.Issue> errors = messages.stream()
                .filter(m -> m.getLevel() == ValidationMessage.IssueSeverity.ERROR || m.getLevel() == ValidationMessage.IssueSeverity.FATAL)
                .map(m -> new FhirInputException.Issue(m.getLocation(), m.getMessage())).toList();
        if (!errors.isEmpty()) {
            throw new FhirInputException(422, errors);
        }
    }

    /** Makes InstanceValidators over HAPI's worker context, configured as HAPI's ValidatorWrapper configures one. */
    private record Factory(FhirInstanceValidator hapi) {
        InstanceValidator create() {
            var context = hapi.getWorkerContext();
            InstanceValidator v = new InstanceValidator(context, hapi.getHostApplicationServices(),
                    XVerExtensionManagerFactory.createExtensionManager(context), new ValidatorSession(), new ValidatorSettings());
            v.setAssumeValidRestReferences(hapi.isAssumeValidRestReferences());
            v.setBestPracticeWarningLevel(hapi.getBestPracticeWarningLevel());
            v.setAnyExtensionsAllowed(hapi.isAnyExtensionsAllowed());
            v.setResourceIdRule(IdStatus.OPTIONAL);
            v.setNoTerminologyChecks(hapi.isNoTerminologyChecks());
            v.setErrorForUnknownProfiles(hapi.isErrorForUnknownProfiles());
            v.setUnknownCodeSystemsCauseErrors(true);
            v.getExtensionDomains().addAll(hapi.getExtensionDomains());
            v.setFetcher(hapi.getValidatorResourceFetcher());
            v.setPolicyAdvisor(hapi.getValidatorPolicyAdvisor());
            v.setNoExtensibleWarnings(hapi.isNoExtensibleWarnings());
            v.setNoBindingMsgSuppressed(hapi.isNoBindingMsgSuppressed());
            v.setAllowExamples(hapi.isAllowExamples());
            v.setAllowXsiLocation(true);
            return v;
        }
    }

    /** One pooled validator and how often it was used; replaced when worn. */
    private static final class Pooled {
        private final Factory factory;
        private final InstanceValidator validator;
        private int uses;

        Pooled(Factory factory) {
            this.factory = factory;
            this.validator = factory.create();
        }

        Pooled used() {
            return ++uses < USES_BEFORE_RECYCLING ? this : new Pooled(factory);
        }
    }

    private static ByteArrayInputStream json(String observationJson) {
        return new ByteArrayInputStream(observationJson.getBytes(StandardCharsets.UTF_8));
    }
}
