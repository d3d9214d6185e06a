package org.lemstriage.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerFactory;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A few InstanceValidators over one set of R4 definitions, one caller at a time each (they are not thread-safe).
 * <p>
 * Why not HAPI's FhirValidator alone: it builds a new InstanceValidator on every call, and that constructor re-reads
 * the OID registry (about two thirds of each call, measured with JFR; 40 validations a second on this machine).
 * HAPI keeps the expensive part, the worker context over the support chain, in its FhirInstanceValidator; here that
 * context is taken from it, and InstanceValidators configured as HAPI's wrapper configures them are reused, each
 * replaced after {@link #USES_BEFORE_RECYCLING} uses.
 */
final class ValidatorPool {
    /**
     * Uses of one InstanceValidator before it is replaced. It keeps state from every resource it validated: one kept
     * for 4,000 calls slowed from about 2 ms to tens of ms per Observation, and what it holds stays on the heap
     * until it is dropped. Recycled every 200 or 500 uses it stayed at 1-2 ms (on this machine, one thread); the new
     * one's constructor (the OID registry again) costs about 20 ms, a tenth of a millisecond per use.
     */
    static final int USES_BEFORE_RECYCLING = 200;

    private final FhirInstanceValidator hapi;
    private final BlockingQueue<Slot> idle;

    /** What one validation found, and the first definition it asked for that the definitions lacked, if any (see CutR4Definitions). */
    record Outcome(List<ValidationMessage> messages, String missed) {
    }

    private ValidatorPool(FhirInstanceValidator hapi, int size) {
        this.hapi = hapi;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    /** The full R4 definitions, as HAPI serves them (the reference the cut definitions are checked against). */
    static ValidatorPool full(FhirContext fhir, int size) {
        return filled(new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir)), fhir, size);
    }

    /** The cut definitions in place of the full ones (see MissAwareChain). */
    static ValidatorPool cut(CutR4Definitions definitions, FhirContext fhir, int size) {
        return filled(new MissAwareChain(definitions, new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), new SnapshotGeneratingValidationSupport(fhir)), fhir, size);
    }

    private static ValidatorPool filled(IValidationSupport chain, FhirContext fhir, int size) {
        var hapi = new FhirInstanceValidator(chain);
        // HAPI creates its worker context on first use: one validation through HAPI's own API loads the definitions now
        fhir.newValidator().registerValidatorModule(hapi).validateWithResult(new Observation().setStatus(Observation.ObservationStatus.FINAL));
        SteadyExtensionContexts.apply(hapi.getWorkerContext());
        ValidatorPool pool = new ValidatorPool(hapi, size);
        String warmUp = fhir.newJsonParser().encodeResourceToString(new Observation().setStatus(Observation.ObservationStatus.FINAL));
        for (int i = 0; i < size; i++) {
            Slot slot = new Slot();
            slot.validator = pool.create();
            slot.validator.validate(null, new ArrayList<>(), json(warmUp), Manager.FhirFormat.JSON);
            pool.idle.add(slot);
        }
        return pool;
    }

    /**
     * Validates one resource (FHIR JSON), waiting for a free validator. One that missed a definition is not used again:
     * what it cached of that validation could hide the next miss. A failure after a miss is the cut's, not the
     * resource's: the full definitions answer instead. A slot whose validator was dropped gets a new one when next
     * taken, so a failure to make one fails that request, not the pool.
     */
    Outcome validate(String resourceJson) {
        Slot slot;
        try {
            slot = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a validator", e);
        }
        List<ValidationMessage> messages = new ArrayList<>();
        String missed = null;
        boolean keep = false;
        try (CutR4Definitions.Watch watch = CutR4Definitions.watch()) {
            if (slot.validator == null) {
                slot.validator = create();
                slot.uses = 0;
            }
            try {
                slot.validator.validate(null, messages, json(resourceJson), Manager.FhirFormat.JSON);
            } catch (RuntimeException e) {
                if (!watch.missed()) {
                    throw e;
                }
                messages.clear();
            }
            missed = watch.firstMiss();
            keep = missed == null && ++slot.uses < USES_BEFORE_RECYCLING;
        } finally {
            if (!keep) {
                slot.validator = null;
            }
            idle.add(slot);
        }
        return new Outcome(messages, missed);
    }

    /** A place in the pool: its validator, made when first needed, and how often it was used. */
    private static final class Slot {
        private InstanceValidator validator;
        private int uses;
    }

    /** An InstanceValidator over HAPI's worker context, configured as HAPI's ValidatorWrapper configures one. */
    private InstanceValidator create() {
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

    private static ByteArrayInputStream json(String resourceJson) {
        return new ByteArrayInputStream(resourceJson.getBytes(StandardCharsets.UTF_8));
    }
}
