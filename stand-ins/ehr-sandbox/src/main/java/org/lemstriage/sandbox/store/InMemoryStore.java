package org.lemstriage.sandbox.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.ParameterUtil;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * All resources of the sandbox, every version kept, in memory. One lock for the whole store: a transaction Bundle
 * is applied under it, so it is all-or-nothing and never interleaves with another write.
 */
public final class InMemoryStore {
    private final FhirContext fhir;
    /** type -> id -> versionId -> resource (a copy: callers never hold a stored instance). */
    private final Map<String, Map<String, TreeMap<Long, Resource>>> resources = new LinkedHashMap<>();
    /**
     * type -> search parameter -> key -> ids of the current versions with that key ({@link SearchMatcher#keysOf}):
     * built at a parameter's first search, kept on every write since. A search matches only the ids its narrowing
     * keys name instead of every resource of the type (an EHR indexes its searches; the benchmark's pipeline, which
     * searches Tasks, Patients and Observations by patient and identifier, was held up by the scan as the store grew).
     */
    private final Map<String, Map<String, Map<String, Set<String>>>> index = new HashMap<>();

    public InMemoryStore(FhirContext fhir) {
        this.fhir = fhir;
    }

    public FhirContext fhir() {
        return fhir;
    }

    /** Stores a new resource under a fresh server-assigned id; returns the stored copy. */
    public synchronized Resource create(Resource resource) {
        return put(resource, UUID.randomUUID().toString());
    }

    /** Stores a resource under its own id, as a new version, creating it if absent (update-as-create). */
    public synchronized Resource update(Resource resource) {
        return put(resource, resource.getIdElement().getIdPart());
    }

    /** Whether update of this id would create the resource. */
    public synchronized boolean exists(String type, String id) {
        return versions(type).containsKey(id);
    }

    public synchronized Resource read(IIdType id) {
        TreeMap<Long, Resource> versions = versions(id.getResourceType()).get(id.getIdPart());
        if (versions == null) {
            throw new ResourceNotFoundException(id);
        }
        Resource found = id.hasVersionIdPart() ? versions.get(id.getVersionIdPartAsLong()) : versions.lastEntry().getValue();
        if (found == null) {
            throw new ResourceNotFoundException(id);
        }
        return found.copy();
    }

    /** Current versions of a type that match every condition; see {@link SearchMatcher}. */
    public synchronized List<Resource> search(String type, Map<String, String[]> conditions) {
        SearchMatcher matcher = new SearchMatcher(fhir, type, conditions);
        List<Resource> found = new ArrayList<>();
        Map<String, TreeMap<Long, Resource>> all = versions(type);
        Collection<String> candidates = candidates(type, matcher.narrowing());
        for (String id : candidates == null ? all.keySet() : candidates) {
            TreeMap<Long, Resource> versions = all.get(id);
            if (versions == null) {
                continue;
            }
            Resource current = versions.lastEntry().getValue();
            if (matcher.matches(current)) {
                found.add(current.copy());
            }
        }
        return found;
    }

    /** The ids a search need look at, from the index (built now if this is the parameter's first search); null: all. */
    private Collection<String> candidates(String type, SearchMatcher.Narrowing narrowing) {
        if (narrowing == null) {
            return null;
        }
        if (narrowing.param() == null) {
            return narrowing.keys();
        }
        Map<String, Set<String>> byKey = index.computeIfAbsent(type, t -> new HashMap<>())
                .computeIfAbsent(narrowing.param().getName(), name -> {
                    Map<String, Set<String>> built = new HashMap<>();
                    versions(type).forEach((id, versions) -> SearchMatcher.keysOf(fhir, versions.lastEntry().getValue(), narrowing.param())
                            .forEach(key -> built.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(id)));
                    return built;
                });
        Set<String> ids = new LinkedHashSet<>();
        narrowing.keys().forEach(key -> ids.addAll(byKey.getOrDefault(key, Set.of())));
        return ids;
    }

    /** Keeps the indexes of {@code type} true as the current version of {@code id} goes from {@code before} to {@code after}. */
    private void reindex(String type, String id, Resource before, Resource after) {
        var definition = fhir.getResourceDefinition(type);
        index.getOrDefault(type, Map.of()).forEach((paramName, byKey) -> {
            var param = definition.getSearchParam(paramName);
            if (before != null) {
                SearchMatcher.keysOf(fhir, before, param).forEach(key -> {
                    Set<String> ids = byKey.get(key);
                    if (ids != null) {
                        ids.remove(id);
                    }
                });
            }
            SearchMatcher.keysOf(fhir, after, param).forEach(key -> byKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(id));
        });
    }

    /** The single match of a conditional create's query, empty if none; more than one is the caller's error. */
    public synchronized Optional<Resource> findForConditionalCreate(String type, String query) {
        List<Resource> matches = search(type, SearchMatcher.parseQuery(query));
        if (matches.size() > 1) {
            throw new ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException(
                    "If-None-Exist '" + query + "' matches " + matches.size() + " " + type + " resources");
        }
        return matches.stream().findFirst();
    }

    /** Runs an action under the store's lock (a transaction Bundle). */
    public synchronized <T> T atomically(java.util.function.Supplier<T> action) {
        return action.get();
    }

    private Resource put(Resource resource, String idPart) {
        String type = fhir.getResourceType(resource);
        TreeMap<Long, Resource> versions = versions(type).computeIfAbsent(idPart, k -> new TreeMap<>());
        long version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        Resource before = versions.isEmpty() ? null : versions.lastEntry().getValue();
        Resource stored = resource.copy();
        stored.setId(new IdType(type, idPart, Long.toString(version)));
        stored.getMeta().setVersionId(Long.toString(version)).setLastUpdatedElement(InstantType.now());
        versions.put(version, stored);
        reindex(type, idPart, before, stored);
        return stored.copy();
    }

    private Map<String, TreeMap<Long, Resource>> versions(String type) {
        return resources.computeIfAbsent(type, k -> new LinkedHashMap<>());
    }

    /**
     * Referential integrity for patients, as an EHR keeps it: every reference a resource's {@code patient} search
     * parameter covers (Task.for, ServiceRequest.subject, ...) must name a Patient that exists, or one of
     * {@code pendingIds} (created in the same transaction). A literal reference is checked by id, a logical one by
     * identifier. Other references (to Observations, for instance) are not checked.
     *
     * @throws UnprocessableEntityException naming the element
     */
    public synchronized void checkPatientReferences(Resource resource, Set<String> pendingIds) {
        String type = typeOf(resource);
        var param = fhir.getResourceDefinition(type).getSearchParam("patient");
        if (param == null) {
            return;
        }
        var terser = fhir.newTerser();
        for (String path : param.getPathsSplit()) {
            String plain = path.trim().replaceAll("\\.where\\(.*\\)$", "");
            if (!plain.startsWith(type + ".")) {
                continue;
            }
            for (var value : terser.getValues(resource, plain)) {
                if (value instanceof org.hl7.fhir.r4.model.Reference ref && !patientExists(ref, pendingIds)) {
                    var outcome = new org.hl7.fhir.r4.model.OperationOutcome();
                    outcome.addIssue().setSeverity(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR)
                            .setCode(org.hl7.fhir.r4.model.OperationOutcome.IssueType.NOTFOUND)
                            .setDiagnostics(plain + " names a patient this EHR does not know").addExpression(plain);
                    throw new UnprocessableEntityException(fhir, outcome);
                }
            }
        }
    }

    private boolean patientExists(org.hl7.fhir.r4.model.Reference ref, Set<String> pendingIds) {
        if (ref.hasReference()) {
            var id = ref.getReferenceElement();
            if (!"Patient".equals(id.getResourceType())) {
                return true; // a Group or other subject: not a patient reference
            }
            return pendingIds.contains("Patient/" + id.getIdPart()) || exists("Patient", id.getIdPart());
        }
        if (ref.hasIdentifier()) {
            return search("Patient", java.util.Map.of("identifier",
                    new String[]{ParameterUtil.escape(ref.getIdentifier().getSystem()) + "|"
                            + ParameterUtil.escape(ref.getIdentifier().getValue())})).size() == 1;
        }
        return true; // display only: nothing to check
    }

    /**
     * Optimistic locking: an {@code If-Match} of {@code W/"n"} must name the current version.
     *
     * @throws PreconditionFailedException when it names another version, or the resource does not exist
     */
    public synchronized void checkVersion(String type, String id, String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String wanted = ifMatch.replace("W/", "").replace("\"", "").trim();
        TreeMap<Long, Resource> versions = versions(type).get(id);
        String current = versions == null ? null : Long.toString(versions.lastKey());
        if (!wanted.equals(current)) {
            throw new ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException(type + "/" + id + " is at version "
                    + current + ", not " + wanted + " (If-Match): it changed since it was read");
        }
    }

    /** Count of current resources of a type (tests, status). */
    public synchronized int count(String type) {
        return versions(type).size();
    }

    /** Type names as FHIR spells them, for resources the caller passes untyped. */
    public String typeOf(IBaseResource resource) {
        return fhir.getResourceType(resource);
    }
}
