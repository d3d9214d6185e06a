package org.lemstriage.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.r4.model.ValueSet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Cuts HAPI's R4 definitions down to what a tracked Observation or Condition can need, into
 * {@code src/main/resources/validation} ({@link CutR4Definitions} reads them):
 * <ul>
 *   <li>the StructureDefinitions of Resource, DomainResource, Observation and Condition, their profiles in the
 *   specification (vital signs and the like), and every data type with its profiles;</li>
 *   <li>every extension whose context starts at one of those types, or at Element or BackboneElement;</li>
 *   <li>what those reach: their base definitions and type profiles, the value sets their bindings name (any
 *   strength), the value sets those include, and the code systems they draw on;</li>
 *   <li>the definitions of what their references may point at (Patient, Specimen, ...), without what those reach (a
 *   reference's target is checked by its type; a contained Patient needs more, and is a miss);</li>
 *   <li>and the list of every canonical URL in the full definitions, by which a miss is known.</li>
 * </ul>
 * Run {@code main} after a HAPI FHIR upgrade ({@code CutDefinitionsTest} fails until then).
 */
public final class CutDefinitionsWriter {
    static final Path RESOURCES = Path.of("src/main/resources");
    private static final List<String> ROOTS = List.of("Resource", "DomainResource", "Observation", "Condition");
    private static final List<String> TERMINOLOGY = List.of("valuesets.xml", "v2-tables.xml", "v3-codesystems.xml");
    static final String HAPI_CODE_SYSTEM = "/ca/uhn/fhir/context/support/HapiFhirStorageResponseCode.json";

    /** What is written: the cut Bundle (as JSON) and the full set's canonical URLs (one a line). */
    record Cut(String bundleJson, String canonicals, int structures, int valueSets, int codeSystems) {
    }

    public static void main(String[] args) throws IOException {
        Cut cut = cut(FhirContext.forR4());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(RESOURCES.resolve(CutR4Definitions.BUNDLE.substring(1))))) {
            out.write(cut.bundleJson().getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(RESOURCES.resolve(CutR4Definitions.CANONICALS.substring(1)), cut.canonicals());
        System.out.printf("cut: %d structure definitions, %d value sets, %d code systems%n", cut.structures(), cut.valueSets(), cut.codeSystems());
    }

    static Cut cut(FhirContext fhir) {
        var full = new DefaultProfileValidationSupport(fhir);
        TreeMap<String, StructureDefinition> structures = new TreeMap<>();
        for (IBaseResource sd : full.fetchAllStructureDefinitions()) {
            structures.put(((StructureDefinition) sd).getUrl(), (StructureDefinition) sd);
        }
        // the terminology files name what the full set holds; the full set itself says which resource it serves
        Set<String> valueSetUrls = new TreeSet<>();
        Set<String> codeSystemUrls = new TreeSet<>();
        List<IBaseResource> terminology = new ArrayList<>();
        for (String file : TERMINOLOGY) {
            Bundle bundle = fhir.newXmlParser().parseResource(Bundle.class,
                    CutDefinitionsWriter.class.getResourceAsStream("/org/hl7/fhir/r4/model/valueset/" + file));
            bundle.getEntry().forEach(entry -> terminology.add(entry.getResource()));
        }
        // HAPI's own code system, which DefaultProfileValidationSupport serves beside the specification's
        terminology.add(fhir.newJsonParser().parseResource(CutDefinitionsWriter.class.getResourceAsStream(HAPI_CODE_SYSTEM)));
        for (IBaseResource resource : terminology) {
            if (resource instanceof ValueSet vs && full.fetchValueSet(vs.getUrl()) != null) {
                valueSetUrls.add(vs.getUrl());
            } else if (resource instanceof CodeSystem cs && full.fetchCodeSystem(cs.getUrl()) != null) {
                codeSystemUrls.add(cs.getUrl());
            }
        }

        Set<String> types = new TreeSet<>(ROOTS);
        structures.values().stream().filter(sd -> sd.getKind() == StructureDefinitionKind.PRIMITIVETYPE
                || (sd.getKind() == StructureDefinitionKind.COMPLEXTYPE && !isExtension(sd))).forEach(sd -> types.add(sd.getType()));
        Set<String> contexts = new TreeSet<>(types);
        contexts.addAll(List.of("Element", "BackboneElement"));

        Deque<String> structuresToDo = new ArrayDeque<>();
        for (StructureDefinition sd : structures.values()) {
            boolean wanted = isExtension(sd)
                    ? sd.getContext().stream().anyMatch(c -> contexts.contains(c.getExpression().split("\\.", 2)[0]))
                    : types.contains(sd.getType());
            if (wanted) {
                structuresToDo.add(sd.getUrl());
            }
        }
        Set<String> keptStructures = new TreeSet<>();
        Set<String> referenced = new TreeSet<>();
        Deque<String> valueSetsToDo = new ArrayDeque<>();
        while (!structuresToDo.isEmpty()) {
            StructureDefinition sd = structures.get(withoutVersion(structuresToDo.pop()));
            if (sd == null || !keptStructures.add(sd.getUrl())) {
                continue;
            }
            if (sd.hasBaseDefinition()) {
                structuresToDo.add(sd.getBaseDefinition());
            }
            for (ElementDefinition element : sd.getSnapshot().getElement()) {
                element.getType().forEach(type -> type.getProfile().forEach(profile -> structuresToDo.add(profile.getValue())));
                element.getType().forEach(type -> type.getTargetProfile().forEach(target -> referenced.add(withoutVersion(target.getValue()))));
                if (element.hasBinding() && element.getBinding().hasValueSet()) {
                    valueSetsToDo.add(element.getBinding().getValueSet());
                }
            }
        }
        // what references may point at: the validator reads a target's definition to check its type, not its elements
        referenced.stream().filter(structures::containsKey).forEach(keptStructures::add);
        Set<String> keptValueSets = new TreeSet<>();
        Set<String> keptCodeSystems = new TreeSet<>();
        while (!valueSetsToDo.isEmpty()) {
            String url = withoutVersion(valueSetsToDo.pop());
            if (!valueSetUrls.contains(url) || !keptValueSets.add(url)) {
                continue;
            }
            ValueSet vs = (ValueSet) full.fetchValueSet(url);
            for (var set : List.of(vs.getCompose().getInclude(), vs.getCompose().getExclude())) {
                for (ValueSet.ConceptSetComponent part : set) {
                    part.getValueSet().forEach(included -> valueSetsToDo.add(included.getValue()));
                    if (part.hasSystem() && codeSystemUrls.contains(part.getSystem())) {
                        keptCodeSystems.add(part.getSystem());
                    }
                }
            }
        }

        Bundle cut = new Bundle().setType(Bundle.BundleType.COLLECTION);
        keptStructures.forEach(url -> cut.addEntry().setResource(structures.get(url)));
        keptValueSets.forEach(url -> cut.addEntry().setResource((MetadataResource) full.fetchValueSet(url)));
        keptCodeSystems.forEach(url -> cut.addEntry().setResource((MetadataResource) full.fetchCodeSystem(url)));
        Set<String> canonicals = new TreeSet<>(structures.keySet());
        canonicals.addAll(valueSetUrls);
        canonicals.addAll(codeSystemUrls);
        return new Cut(fhir.newJsonParser().encodeResourceToString(cut), String.join("\n", canonicals) + "\n",
                keptStructures.size(), keptValueSets.size(), keptCodeSystems.size());
    }

    private static boolean isExtension(StructureDefinition sd) {
        return "Extension".equals(sd.getType()) && sd.getDerivation() == TypeDerivationRule.CONSTRAINT;
    }

    private static String withoutVersion(String url) {
        int bar = url.indexOf('|');
        return bar < 0 ? url : url.substring(0, bar);
    }
}
