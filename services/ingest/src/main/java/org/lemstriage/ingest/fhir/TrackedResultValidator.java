package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Observation;
import org.jboss.logging.Logger;
import org.lemstriage.model.fhir.Fhir;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The second depth of validation: HAPI's instance validator against the R4 base specification, for results of
 * tracked analytes only (the others are acknowledged, not kept, and parsing strictly is enough for them). One
 * validator, built once and reused: HAPI's FhirValidator is thread-safe, and building it per call is what makes
 * validation slow. It is built and warmed in the background at start-up, so the service is ready at once and only
 * a tracked result arriving in the first seconds waits for it. Errors answer 422, each naming its element; warnings
 * and information pass.
 */
@ApplicationScoped
public class TrackedResultValidator {
    private static final Logger LOG = Logger.getLogger(TrackedResultValidator.class);

    private final boolean enabled;
    private final CompletableFuture<FhirValidator> validator = new CompletableFuture<>();
    private final AtomicBoolean building = new AtomicBoolean();

    public TrackedResultValidator(@ConfigProperty(name = "lemstriage.ingest.validation.enabled", defaultValue = "true") boolean enabled) {
        this.enabled = enabled;
    }

    void warm(@Observes StartupEvent started) {
        if (enabled) {
            Thread warmUp = new Thread(this::build, "validator-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }

    /** Builds the validator once, whoever asks first; later callers wait for it. */
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
            FhirValidator built = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
            // The first validation loads the R4 definitions; do it now rather than on a sender's request
            built.validateWithResult(new Observation().setStatus(Observation.ObservationStatus.FINAL));
            validator.complete(built);
            LOG.infof("instance validator ready in %d ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | Error e) {
            validator.completeExceptionally(e);
            LOG.errorf("instance validator not built: %s", e); // at start-up, from the R4 definitions: no patient data
        }
    }

    /** Throws 422 listing every error the instance validator finds; a blocking call (never on the event loop). */
    public void validate(Observation observation) {
        if (!enabled) {
            return;
        }
        build(); // no-op once started: a request arriving during warm-up waits for it below
        List<FhirInputException.Issue> errors = validator.join().validateWithResult(observation).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(TrackedResultValidator::issue).toList();
        if (!errors.isEmpty()) {
            throw new FhirInputException(422, errors);
        }
    }

    private static FhirInputException.Issue issue(SingleValidationMessage m) {
        return new FhirInputException.Issue(m.getLocationString(), m.getMessage());
    }
}
