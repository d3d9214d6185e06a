package org.lemstriage.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.sandbox.store.InMemoryStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transaction Bundles of POST (with optional ifNoneExist) and PUT entries, all-or-nothing: every entry is checked
 * and every id resolved before anything is stored, then references to an entry's fullUrl (urn:uuid) are rewritten
 * to the resolved id, whether the entry created a resource or matched an existing one.
 */
public class TransactionProvider {
    private final InMemoryStore store;
    private final Set<String> supportedTypes;

    public TransactionProvider(InMemoryStore store, Set<String> supportedTypes) {
        this.store = store;
        this.supportedTypes = supportedTypes;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw new InvalidRequestException("Bundle.type must be 'transaction' (batch is not supported by the sandbox)");
        }
        return store.atomically(() -> apply(bundle.getEntry()));
    }

    private Bundle apply(List<BundleEntryComponent> entries) {
        Map<String, IdType> resolved = new HashMap<>();
        Map<Integer, Resource> matched = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            BundleEntryComponent entry = entries.get(i);
            Resource resource = check(entry, i);
            String type = store.typeOf(resource);
            IdType id;
            if (entry.getRequest().getMethod() == HTTPVerb.POST) {
                var existing = entry.getRequest().hasIfNoneExist()
                        ? store.findForConditionalCreate(type, entry.getRequest().getIfNoneExist())
                        : java.util.Optional.<Resource>empty();
                if (existing.isPresent()) {
                    matched.put(i, existing.get());
                }
                id = existing.map(r -> new IdType(type, r.getIdElement().getIdPart()))
                        .orElseGet(() -> new IdType(type, java.util.UUID.randomUUID().toString()));
            } else {
                id = new IdType(entry.getRequest().getUrl()).withResourceType(type);
                store.checkVersion(type, id.getIdPart(), entry.getRequest().getIfMatch());
            }
            if (entry.hasFullUrl()) {
                resolved.put(entry.getFullUrl(), id);
            }
        }
        // Every entry as it will be stored, references resolved, checked before anything is stored
        java.util.Set<String> pending = new java.util.HashSet<>();
        resolved.values().forEach(id -> pending.add(id.getResourceType() + "/" + id.getIdPart()));
        Map<Integer, Resource> prepared = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (matched.containsKey(i)) {
                continue;
            }
            Resource resource = entries.get(i).getResource().copy();
            rewriteReferences(resource, resolved);
            store.checkPatientReferences(resource, pending);
            prepared.put(i, resource);
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (int i = 0; i < entries.size(); i++) {
            BundleEntryComponent entry = entries.get(i);
            Resource existing = matched.get(i);
            if (existing != null) {
                response.addEntry().getResponse().setStatus("200 OK")
                        .setLocation(existing.getIdElement().toUnqualified().getValue());
                continue;
            }
            Resource resource = prepared.get(i);
            IdType id = entry.getFullUrl() != null && resolved.containsKey(entry.getFullUrl())
                    ? resolved.get(entry.getFullUrl())
                    : new IdType(entry.getRequest().getUrl()).withResourceType(store.typeOf(resource));
            boolean created = entry.getRequest().getMethod() == HTTPVerb.POST
                    || !store.exists(id.getResourceType(), id.getIdPart());
            resource.setId(id);
            Resource stored = store.update(resource);
            response.addEntry().getResponse().setStatus(created ? "201 Created" : "200 OK")
                    .setLocation(stored.getIdElement().toUnqualified().getValue());
        }
        return response;
    }

    private Resource check(BundleEntryComponent entry, int index) {
        String where = "Bundle.entry[" + index + "]";
        if (!entry.hasResource()) {
            throw new InvalidRequestException(where + ".resource is required");
        }
        String type = store.typeOf(entry.getResource());
        if (!supportedTypes.contains(type)) {
            throw new InvalidRequestException(where + ": resource type " + type + " is not supported by the EHR sandbox");
        }
        HTTPVerb method = entry.getRequest().getMethod();
        if (method == HTTPVerb.PUT) {
            IdType url = new IdType(entry.getRequest().getUrl());
            if (!type.equals(url.getResourceType()) || !url.hasIdPart() || entry.getRequest().getUrl().contains("?")) {
                throw new InvalidRequestException(where + ".request.url must be " + type + "/[id] for PUT");
            }
        } else if (method != HTTPVerb.POST) {
            throw new InvalidRequestException(where + ".request.method " + method + " is not supported by the EHR sandbox");
        }
        return entry.getResource();
    }

    private void rewriteReferences(Resource resource, Map<String, IdType> resolved) {
        for (Reference reference : store.fhir().newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            IdType target = reference.hasReference() ? resolved.get(reference.getReference()) : null;
            if (target != null) {
                reference.setReference(target.toUnqualifiedVersionless().getValue());
            }
        }
    }
}
