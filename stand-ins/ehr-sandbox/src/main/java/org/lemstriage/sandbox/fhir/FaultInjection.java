package org.lemstriage.sandbox.fhir;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For tests that need an EHR misbehaving on purpose: requests whose query string contains a given text (an episode
 * id, say) are answered with a chosen status, a number of times or until cleared; searches may be answered from
 * earlier results ({@link SearchReuse}). Off unless a test arms it.
 */
public class FaultInjection extends HttpFilter {
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final SearchReuse searches;
    private volatile java.time.Duration transactionDelay = java.time.Duration.ZERO;
    private volatile java.time.Duration everyDelay = java.time.Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicInteger transactionsHeld = new java.util.concurrent.atomic.AtomicInteger();

    public FaultInjection(SearchReuse searches) {
        this.searches = searches;
    }

    /** Search results reused as a real server may reuse them. */
    public SearchReuse searches() {
        return searches;
    }

    /** Answer {@code status} (with Retry-After seconds if not null) to the next {@code times} matching requests; -1: always. */
    public void fail(String queryContains, int status, Integer retryAfterSeconds, int times) {
        faults.put(queryContains, new Fault(status, retryAfterSeconds, times < 0, new java.util.concurrent.atomic.AtomicInteger(times)));
    }

    /**
     * Holds every transaction this long before it is processed, as a busy server may: a change made meanwhile by
     * someone else wins the race, and the transaction's If-Match then fails.
     */
    public void delayTransactions(java.time.Duration delay) {
        transactionDelay = delay;
    }

    /**
     * Holds every request this long before it is answered: a slow EHR (a second or two), or, past the client's read
     * time-out, a hung one.
     */
    public void delayEvery(java.time.Duration delay) {
        everyDelay = delay;
    }

    /** How many transactions have been held so far: a test waits for one to be in the EHR's hands. */
    public int transactionsHeld() {
        return transactionsHeld.get();
    }

    public void clear() {
        faults.clear();
        searches.off();
        transactionDelay = java.time.Duration.ZERO;
        everyDelay = java.time.Duration.ZERO;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!everyDelay.isZero()) {
            try {
                Thread.sleep(everyDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String query = request.getQueryString();
        var fault = query == null ? java.util.Optional.<Fault>empty()
                : taken(java.net.URLDecoder.decode(query, java.nio.charset.StandardCharsets.UTF_8));
        if (fault.isPresent()) {
            response.setStatus(fault.get().status());
            if (fault.get().retryAfter() != null) {
                response.setHeader("Retry-After", fault.get().retryAfter().toString());
            }
            response.setContentType("application/fhir+json");
            response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                    + "\"code\":\"transient\",\"diagnostics\":\"injected fault\"}]}");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * The fault armed for a request whose (decoded) query, or a batch or transaction entry's URL, contains its text,
     * counted as taken; a batch or transaction gets it for the whole request, as a rate limiter would answer.
     */
    java.util.Optional<Fault> taken(String decodedQuery) {
        return faults.entrySet().stream().filter(f -> decodedQuery.contains(f.getKey()) && f.getValue().take())
                .map(Map.Entry::getValue).findFirst();
    }

    /** A transaction, held as {@link #delayTransactions} asked (batches of reads are not). */
    void holdTransaction() {
        if (transactionDelay.isZero()) {
            return;
        }
        transactionsHeld.incrementAndGet();
        try {
            Thread.sleep(transactionDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Fault(int status, Integer retryAfter, boolean always, java.util.concurrent.atomic.AtomicInteger remaining) {
        boolean take() {
            return always || remaining.getAndUpdate(n -> Math.max(n - 1, 0)) > 0;
        }
    }
}
