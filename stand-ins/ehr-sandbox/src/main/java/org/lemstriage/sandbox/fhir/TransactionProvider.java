package org.lemstriage.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.sandbox.store.InMemoryStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transaction Bundles of POST (with optional ifNoneExist), PUT and GET entries, all-or-nothing: every write entry is
 * checked and every id resolved before anything is stored, then references to an entry's fullUrl (urn:uuid) are
 * rewritten to the resolved id, whether the entry created a resource or matched an existing one; GET entries are
 * answered after the writes, as FHIR orders a transaction's processing, so they read what it left. Batch Bundles of
 * GET entries (reads and searches), each answered on its own. Faults armed for a text a GET entry's URL contains
 * answer the whole request ({@link FaultInjection}).
 */
public class TransactionProvider {
    private final InMemoryStore store;
    private final Set<String> supportedTypes;
    private final FaultInjection faults;

    public TransactionProvider(InMemoryStore store, Set<String> supportedTypes, FaultInjection faults) {
        this.store = store;
        this.supportedTypes = supportedTypes;
        this.faults = faults;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getRequest().getMethod() == HTTPVerb.GET && entry.getRequest().hasUrl()) {
                faults.taken(java.net.URLDecoder.decode(entry.getRequest().getUrl(), java.nio.charset.StandardCharsets.UTF_8))
                        .ifPresent(TransactionProvider::refuse);
            }
        }
        String cacheControl = request.getHeader("Cache-Control");
        if (bundle.getType() == Bundle.BundleType.BATCH) {
            Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
            for (int i = 0; i < bundle.getEntry().size(); i++) {
                BundleEntryComponent entry = bundle.getEntry().get(i);
                if (entry.getRequest().getMethod() != HTTPVerb.GET) {
                    throw new InvalidRequestException("Bundle.entry[" + i + "].request.method: the sandbox answers batches of GET entries only");
                }
                response.addEntry(read(entry.getRequest().getUrl(), cacheControl));
            }
            return response;
        }
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw new InvalidRequestException("Bundle.type must be 'transaction' or 'batch'");
        }
        faults.holdTransaction();
        return store.atomically(() -> {
            Bundle response = apply(bundle.getEntry());
            for (int i = 0; i < bundle.getEntry().size(); i++) {
                if (bundle.getEntry().get(i).getRequest().getMethod() == HTTPVerb.GET) {
                    response.getEntry().set(i, read(bundle.getEntry().get(i).getRequest().getUrl(), cacheControl));
                }
            }
            return response;
        });
    }

    /** A GET entry's answer: a read ({@code Type/id}) or a search ({@code Type?query}), or the status it failed with. */
    private BundleEntryComponent read(String url, String cacheControl) {
        BundleEntryComponent answer = new BundleEntryComponent();
        try {
            int q = url == null ? -1 : url.indexOf('?');
            String path = url == null ? "" : q < 0 ? url : url.substring(0, q);
            if (path.contains("/")) {
                IdType id = new IdType(path);
                if (!supportedTypes.contains(id.getResourceType())) {
                    throw new InvalidRequestException("resource type " + id.getResourceType() + " is not supported by the EHR sandbox");
                }
                answer.setResource(store.read(id)).getResponse().setStatus("200 OK");
                return answer;
            }
            if (!supportedTypes.contains(path)) {
                throw new InvalidRequestException("resource type " + path + " is not supported by the EHR sandbox");
            }
            String query = q < 0 ? "" : url.substring(q + 1);
            Map<String, String[]> parameters = ca.uhn.fhir.util.UrlUtil.parseQueryString(query);
            List<Resource> found = faults.searches().search(path, parameters, cacheControl, () -> store.search(path, parameters));
            Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(found.size());
            found.forEach(r -> searchset.addEntry().setFullUrl(r.getIdElement().toUnqualifiedVersionless().getValue()).setResource(r)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH));
            answer.setResource(searchset).getResponse().setStatus("200 OK");
        } catch (BaseServerResponseException e) {
            answer.getResponse().setStatus(e.getStatusCode() + " " + org.eclipse.jetty.http.HttpStatus.getMessage(e.getStatusCode()))
                    .setOutcome(new OperationOutcome().addIssue(new OperationOutcome.OperationOutcomeIssueComponent()
                            .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
                            .setDiagnostics(e.getMessage())));
        }
        return answer;
    }

    private static void refuse(FaultInjection.Fault fault) {
        var refused = new UnclassifiedServerFailureException(fault.status(), "injected fault");
        if (fault.retryAfter() != null) {
            refused.addResponseHeader("Retry-After", fault.retryAfter().toString());
        }
        throw refused;
    }

    private Bundle apply(List<BundleEntryComponent> entries) {
        Map<String, IdType> resolved = new HashMap<>();
        Map<Integer, Resource> matched = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            BundleEntryComponent entry = entries.get(i);
            if (entry.getRequest().getMethod() == HTTPVerb.GET) {
                continue;
            }
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
            if (matched.containsKey(i) || entries.get(i).getRequest().getMethod() == HTTPVerb.GET) {
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
            if (entry.getRequest().getMethod() == HTTPVerb.GET) {
                response.addEntry(); // answered once every write is done
                continue;
            }
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
