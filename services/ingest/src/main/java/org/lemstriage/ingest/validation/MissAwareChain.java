package org.lemstriage.ingest.validation;

import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The chain for the cut definitions. HAPI's cache is off: an answer to a question the cut definitions missed would be
 * served to the next validation without asking them, and so without a miss. Instead it remembers its code checks
 * (a value set expanded for each), as HAPI's cache would and keyed as HAPI keys them, but only when no miss went
 * into them.
 * And it asks the definitions for "fetch all", which HAPI's chain answers with nothing when its cache is off
 * (HAPI FHIR 8.8.1).
 */
final class MissAwareChain extends ValidationSupportChain {
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
