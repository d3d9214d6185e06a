package org.lemstriage.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.sandbox.store.InMemoryStore;

/**
 * Read, create (with If-None-Exist), update (including update-as-create) and search of one resource type,
 * on the shared {@link InMemoryStore}. Search accepts the base spec's token and reference parameters of the type.
 */
public class InMemoryResourceProvider<T extends Resource> implements IResourceProvider {
    private final Class<T> type;
    private final String typeName;
    private final InMemoryStore store;
    private final SearchReuse reuse;

    public InMemoryResourceProvider(Class<T> type, InMemoryStore store, SearchReuse reuse) {
        this.type = type;
        this.store = store;
        this.reuse = reuse;
        this.typeName = store.fhir().getResourceType(type);
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    @Read(version = true)
    public Resource read(@IdParam IdType id) {
        return store.read(id.withResourceType(typeName));
    }

    @Create
    public MethodOutcome create(@ResourceParam T resource, @ConditionalUrlParam String ifNoneExist) {
        return store.atomically(() -> {
            if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                var existing = store.findForConditionalCreate(typeName, ifNoneExist);
                if (existing.isPresent()) {
                    return new MethodOutcome(existing.get().getIdElement()).setCreated(false).setResource(existing.get());
                }
            }
            store.checkPatientReferences(resource, java.util.Set.of());
            Resource stored = store.create(resource);
            return new MethodOutcome(stored.getIdElement()).setCreated(true).setResource(stored);
        });
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam T resource, RequestDetails request) {
        if (!id.getIdPart().equals(resource.getIdElement().getIdPart())) {
            throw new InvalidRequestException(typeName + ".id '" + resource.getIdElement().getIdPart()
                    + "' does not match the id in the URL '" + id.getIdPart() + "'");
        }
        return store.atomically(() -> {
            store.checkVersion(typeName, id.getIdPart(), request.getHeader("If-Match"));
            store.checkPatientReferences(resource, java.util.Set.of());
            boolean created = !store.exists(typeName, id.getIdPart());
            Resource stored = store.update(resource);
            return new MethodOutcome(stored.getIdElement()).setCreated(created).setResource(stored);
        });
    }

    @Search(allowUnknownParams = true)
    public IBundleProvider search(RequestDetails request) {
        return new SimpleBundleProvider(reuse.search(request, () -> store.search(typeName, request.getParameters())));
    }
}
