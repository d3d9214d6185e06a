package org.lemstriage.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The R4 definitions a tracked Observation or Condition can need, cut from HAPI's full R4 definitions (which {@link
 * DefaultProfileValidationSupport} serves) by {@code CutDefinitionsWriter}: the two resources, their profiles in the
 * specification, every data type, the extensions whose context is one of those, and the value sets and code systems
 * their bindings reach, and the definitions their references may point at. The same resources, as the same kind of
 * support, in about 100 MiB less live heap.
 * <p>
 * What it does not hold it must not answer differently from the full definitions. So it knows every canonical URL the
 * full definitions hold ({@link #CANONICALS}), and when a validation asks for one it lacks (a contained resource of
 * another type, an extension defined for another resource, a code from a code system no binding reaches) it answers
 * "not found" as the full set would not, and records a <em>miss</em> for the validation watching on this thread
 * ({@link #watch()}). A validation that missed is not trusted: {@link TrackedResultValidator} validates again with
 * the full definitions.
 */
final class CutR4Definitions implements IValidationSupport {
    static final String BUNDLE = "/validation/r4-cut-definitions.json.gz";
    /** Every StructureDefinition, ValueSet and CodeSystem URL in the full R4 definitions, one a line. */
    static final String CANONICALS = "/validation/r4-canonicals.txt";
    private static final String SD_PREFIX = "http://hl7.org/fhir/StructureDefinition/";
    private static final String CORE_PACKAGE = "hl7.fhir.r4.core";
    private static final ThreadLocal<Watch> WATCHING = new ThreadLocal<>();

    private final FhirContext fhir;
    private final Map<String, IBaseResource> structures = new HashMap<>();
    private final Map<String, IBaseResource> valueSets = new HashMap<>();
    private final Map<String, IBaseResource> codeSystems = new HashMap<>();
    private final List<IBaseResource> allStructures;
    private final Set<String> fullCanonicals;

    CutR4Definitions(FhirContext fhir) {
        this.fhir = fhir;
        Bundle bundle;
        try (InputStream in = new GZIPInputStream(resource(BUNDLE))) {
            bundle = fhir.newJsonParser().parseResource(Bundle.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            MetadataResource definition = (MetadataResource) entry.getResource();
            // marked as DefaultProfileValidationSupport marks what it serves: the validator reads the package
            definition.setUserData(DefaultProfileValidationSupport.SOURCE_PACKAGE_ID, CORE_PACKAGE);
            if (definition instanceof StructureDefinition) {
                definition.setUserData("package", "hl7.fhir.r4"); // as its loader marks the structure definitions
                structures.put(definition.getUrl(), definition);
            } else if (definition instanceof ValueSet) {
                valueSets.put(definition.getUrl(), definition);
            } else if (definition instanceof CodeSystem) {
                codeSystems.put(definition.getUrl(), definition);
            } else {
                throw new IllegalStateException("not a definition: " + definition.fhirType());
            }
        }
        allStructures = List.copyOf(structures.values());
        fullCanonicals = canonicals();
    }

    /** Starts recording misses on this thread, for one validation; close it to stop. */
    static Watch watch() {
        Watch watch = new Watch();
        WATCHING.set(watch);
        return watch;
    }

    /** The watch on this thread, if a validation is watched. */
    static Watch watching() {
        return WATCHING.get();
    }

    /** The misses of one validation on one thread. */
    static final class Watch implements AutoCloseable {
        private String missed;

        boolean missed() {
            return missed != null;
        }

        /** The first definition missed: a canonical URL of the R4 specification (or what was asked), never patient data. */
        String firstMiss() {
            return missed;
        }

        @Override
        public void close() {
            WATCHING.remove();
        }
    }

    @Override
    public FhirContext getFhirContext() {
        return fhir;
    }

    @Override
    public String getName() {
        return "lems-triage cut R4 definitions";
    }

    /** Found as DefaultProfileValidationSupport finds it: a bare type name is a core type's URL; no version. */
    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        String key = url;
        if (!url.startsWith(SD_PREFIX)) {
            if (url.indexOf('/') == -1) {
                key = SD_PREFIX + url;
            } else if (url.chars().filter(c -> c == '/').count() == 1) {
                key = "http://hl7.org/fhir/" + url;
            }
        }
        IBaseResource held = structures.get(key);
        if (held == null) {
            // the full set would also try the name with a lower-case first letter ("String" for "string"), and HAPI's
            // cached chain finds a structure definition outside hl7.org by its URL and version
            int bar = key.indexOf('|');
            missIfFullHolds(key, lowerCaseType(key), bar > 0 ? key.substring(0, bar) : null);
        }
        return held;
    }

    @Override
    public IBaseResource fetchValueSet(String url) {
        return heldOrMiss(valueSets, url);
    }

    @Override
    public IBaseResource fetchCodeSystem(String url) {
        return heldOrMiss(codeSystems, url);
    }

    /** Every data type's and both resources' definitions: the validator tells primitive types apart with them. */
    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
        return (List<T>) allStructures;
    }

    /** Not answered from the cut: a miss, so that the full definitions answer it. */
    @Override
    public <T extends IBaseResource> List<T> fetchAllNonBaseStructureDefinitions() {
        miss("all non-base structure definitions");
        return List.of();
    }

    /** Not answered from the cut: a miss, so that the full definitions answer it. */
    @Override
    public List<IBaseResource> fetchAllConformanceResources() {
        miss("all conformance resources");
        List<IBaseResource> all = new ArrayList<>(allStructures);
        all.addAll(valueSets.values());
        all.addAll(codeSystems.values());
        return all;
    }

    /** Not answered from the cut: a miss, so that the full definitions answer it. */
    @Override
    public <T extends IBaseResource> List<T> fetchAllSearchParameters() {
        miss("all search parameters");
        return List.of();
    }

    /**
     * Found as DefaultProfileValidationSupport finds it: by the URL without its version, and the version checked only
     * for a URL outside hl7.org and terminology.hl7.org.
     */
    private IBaseResource heldOrMiss(Map<String, IBaseResource> held, String url) {
        int bar = url.indexOf('|');
        String canonical = bar > 0 ? url.substring(0, bar) : url;
        IBaseResource found = held.get(canonical);
        if (found == null) {
            missIfFullHolds(canonical);
            return null;
        }
        String version = bar > 0 ? url.substring(bar + 1) : null;
        boolean hl7 = canonical.startsWith("http://hl7.org") || canonical.startsWith("http://terminology.hl7.org");
        return version == null || version.isBlank() || hl7 || version.equals(((MetadataResource) found).getVersion()) ? found : null;
    }

    /** A miss if the full definitions hold any of these URLs. */
    private void missIfFullHolds(String... urls) {
        for (String url : urls) {
            if (url != null && fullCanonicals.contains(url)) {
                miss(url);
                return;
            }
        }
    }

    private static String lowerCaseType(String url) {
        if (!url.startsWith(SD_PREFIX) || url.length() == SD_PREFIX.length()) {
            return null;
        }
        String type = url.substring(SD_PREFIX.length());
        return SD_PREFIX + Character.toLowerCase(type.charAt(0)) + type.substring(1);
    }

    private static void miss(String what) {
        Watch watch = WATCHING.get();
        if (watch != null && watch.missed == null) {
            watch.missed = what;
        }
    }

    private static Set<String> canonicals() {
        Set<String> urls = new HashSet<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(resource(CANONICALS), StandardCharsets.UTF_8))) {
            lines.lines().filter(line -> !line.isBlank()).forEach(urls::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return urls;
    }

    private static InputStream resource(String path) {
        InputStream in = CutR4Definitions.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(path + " is not on the classpath");
        }
        return in;
    }
}
