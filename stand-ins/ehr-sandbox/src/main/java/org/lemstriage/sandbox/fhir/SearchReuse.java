package org.lemstriage.sandbox.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.sandbox.store.InMemoryStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Search results reused as a real FHIR server may reuse them: HAPI FHIR JPA, by default, answers a search repeated
 * within 60 s (reuse_cached_search_results_millis) from the first one's matches: the resources it matched then, in
 * their current versions, and none created since. A request with {@code Cache-Control: no-cache} gets a fresh search,
 * unless the sandbox is told to ignore it (a server that answers stale whatever it is asked). Off unless a test arms it.
 */
public class SearchReuse {
    private final InMemoryStore store;
    private final Map<String, Matches> reused = new ConcurrentHashMap<>();
    private volatile Duration window = Duration.ZERO;
    private volatile boolean honourNoCache = true;

    public SearchReuse(InMemoryStore store) {
        this.store = store;
    }

    /** Reuse a search's matches for {@code window}; {@code honourNoCache} false: even when asked not to. */
    public void reuseFor(Duration window, boolean honourNoCache) {
        this.honourNoCache = honourNoCache;
        this.window = window;
    }

    /** Every search fresh again. */
    public void off() {
        window = Duration.ZERO;
        reused.clear();
    }

    List<Resource> search(RequestDetails request, Supplier<List<Resource>> fresh) {
        return search(request.getResourceName(), request.getParameters(), request.getHeader("Cache-Control"), fresh);
    }

    /**
     * A search of {@code type} by its parameters, asked with this Cache-Control (a batch's entry: the batch's). Reused
     * by type and parameters, as HAPI FHIR JPA reuses them: the same search on its own or in a batch meets one cache.
     */
    List<Resource> search(String type, Map<String, String[]> parameters, String cacheControl, Supplier<List<Resource>> fresh) {
        String key = type + "?" + new java.util.TreeMap<>(parameters).entrySet().stream()
                .map(p -> p.getKey() + "=" + String.join(",", p.getValue())).collect(java.util.stream.Collectors.joining("&"));
        if (window.isZero()) {
            return fresh.get();
        }
        boolean noCache = honourNoCache && cacheControl != null && cacheControl.toLowerCase().contains("no-cache");
        Matches earlier = reused.get(key);
        if (!noCache && earlier != null && System.nanoTime() - earlier.at() < window.toNanos()) {
            return earlier.ids().stream().map(id -> store.read(new IdType(id))).toList();
        }
        List<Resource> found = fresh.get();
        reused.put(key, new Matches(System.nanoTime(), found.stream()
                .map(r -> r.getIdElement().toUnqualifiedVersionless().getValue()).toList()));
        return found;
    }

    private record Matches(long at, List<String> ids) {
    }
}
