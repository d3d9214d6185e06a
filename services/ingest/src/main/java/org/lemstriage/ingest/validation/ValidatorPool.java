package org.lemstriage.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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
    private final BlockingQueue<Pooled> idle;

    /** What one validation found, and the first definition it asked for that the definitions lacked, if any (see CutR4Definitions). */
    record Outcome(List<ValidationMessage> messages, String missed) {
    }

    private ValidatorPool(FhirInstanceValidator hapi, int size) {
        this.hapi = hapi;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    /** The full R4 definitions, as HAPI serves them (the reference the cut definitions are checked against). */
    static ValidatorPool full(FhirContext fhir, int size) {
        return filled(new ValidationSupportChain(new ca.uhn.fhir.context.support.DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir)), fhir, size);
    }

    /** The cut definitions in place of the full ones (see MissAwareChain). */
    static ValidatorPool cut(CutR4Definitions definitions, FhirContext fhir, int size) {
        return filled(new MissAwareChain(definitions, new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), new SnapshotGeneratingValidationSupport(fhir)), fhir, size);
    }

    /**
     * The chain for the cut definitions. HAPI's cache is off: an answer to a question the cut definitions missed would be
     * served to the next validation without asking them, and so without a miss. Instead it remembers its code checks
     * (the costly part: a value set expanded for each) only when no miss went into them, keyed as HAPI keys them.
     * And it asks the definitions for "fetch all", which HAPI's chain answers with nothing when its cache is off
     * (HAPI FHIR 8.8.1).
     */
    private static final class MissAwareChain extends ValidationSupportChain {
        /** Remembered code checks; past this many (codes from senders), forgotten all at once. */
        private static final int CODE_CHECKS_KEPT = 10_000;
        private final CutR4Definitions definitions;
        private final Map<CodeCheck, Optional<CodeValidationResult>> codeChecks = new ConcurrentHashMap<>();

        private record CodeCheck(ConceptValidationOptions options, String system, String code, String display, String valueSet) {
        }

        MissAwareChain(CutR4Definitions definitions, IValidationSupport... terminology) {
            super(CacheConfiguration.disabled(), definitions);
            this.definitions = definitions;
            for (IValidationSupport next : terminology) {
                addValidationSupport(next);
            }
        }

        @Override
        public CodeValidationResult validateCode(ValidationSupportContext context, ConceptValidationOptions options, String system,
                                                 String code, String display, String valueSetUrl) {
            return remembered(new CodeCheck(ConceptValidationOptions.copy(options), system, code, display, valueSetUrl),
                    () -> super.validateCode(context, options, system, code, display, valueSetUrl));
        }

        @Override
        public CodeValidationResult validateCodeInValueSet(ValidationSupportContext context, ConceptValidationOptions options,
                                                           String system, String code, String display, IBaseResource valueSet) {
            String url = CommonCodeSystemsTerminologyService.getValueSetUrl(getFhirContext(), valueSet);
            if (url == null || url.isBlank()) {
                return super.validateCodeInValueSet(context, options, system, code, display, valueSet);
            }
            return remembered(new CodeCheck(ConceptValidationOptions.copy(options), system, code, display, url),
                    () -> super.validateCodeInValueSet(context, options, system, code, display, valueSet));
        }

        private CodeValidationResult remembered(CodeCheck check, Supplier<CodeValidationResult> answer) {
            Optional<CodeValidationResult> known = codeChecks.get(check);
            if (known != null) {
                return known.orElse(null);
            }
            CutR4Definitions.Watch watch = CutR4Definitions.watching();
            boolean missedBefore = watch == null || watch.missed();
            CodeValidationResult result = answer.get();
            if (!missedBefore && !watch.missed()) {
                if (codeChecks.size() >= CODE_CHECKS_KEPT) {
                    codeChecks.clear();
                }
                codeChecks.put(check, Optional.ofNullable(result));
            }
            return result;
        }

        @Override
        public List<IBaseResource> fetchAllStructureDefinitions() {
            return definitions.fetchAllStructureDefinitions();
        }

        @Override
        public List<IBaseResource> fetchAllNonBaseStructureDefinitions() {
            return definitions.fetchAllNonBaseStructureDefinitions();
        }

        @Override
        public List<IBaseResource> fetchAllConformanceResources() {
            return definitions.fetchAllConformanceResources();
        }

        @Override
        public <T extends IBaseResource> List<T> fetchAllSearchParameters() {
            return definitions.fetchAllSearchParameters();
        }
    }

    private static ValidatorPool filled(IValidationSupport chain, FhirContext fhir, int size) {
        var hapi = new FhirInstanceValidator(chain);
        // HAPI creates its worker context on first use: one validation through HAPI's own API loads the definitions now
        fhir.newValidator().registerValidatorModule(hapi).validateWithResult(new Observation().setStatus(Observation.ObservationStatus.FINAL));
        ValidatorPool pool = new ValidatorPool(hapi, size);
        String warmUp = fhir.newJsonParser().encodeResourceToString(new Observation().setStatus(Observation.ObservationStatus.FINAL));
        for (int i = 0; i < size; i++) {
            Pooled v = pool.new Pooled();
            v.validator.validate(null, new ArrayList<>(), json(warmUp), Manager.FhirFormat.JSON);
            pool.idle.add(v);
        }
        return pool;
    }

    /**
     * Validates one resource (FHIR JSON), waiting for a free validator. One that missed a definition is dropped: what
     * it cached of that validation could hide the next miss.
     */
    Outcome validate(String resourceJson) {
        Pooled v;
        try {
            v = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a validator", e);
        }
        List<ValidationMessage> messages = new ArrayList<>();
        String missed = "nothing: the validation failed";
        try (CutR4Definitions.Watch watch = CutR4Definitions.watch()) {
            v.validator.validate(null, messages, json(resourceJson), Manager.FhirFormat.JSON);
            missed = watch.firstMiss();
        } finally {
            idle.add(missed != null ? new Pooled() : v.used());
        }
        return new Outcome(messages, missed);
    }

    /** One pooled validator and how often it was used; replaced when worn. */
    private final class Pooled {
        private final InstanceValidator validator = create();
        private int uses;

        Pooled used() {
            return ++uses < USES_BEFORE_RECYCLING ? this : new Pooled();
        }
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
