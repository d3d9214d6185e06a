package org.lemstriage.ehrclient;

import ca.uhn.fhir.rest.gclient.ICriterion;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads sent to the EHR together, in one round trip: a FHIR batch of GET entries, each a read by id or a search by
 * HAPI's typed criteria (the query rendered by {@link ConditionalUrl}, never written by hand), asked fresh
 * ({@code Cache-Control: no-cache}) like every read. Entries are answered each on its own: one the EHR did not answer
 * with 200 fails only what asks for its answer, transient or permanent by its status as a call would, and a read
 * answered 404 or 410 is "not held". A search answered in pages has its further pages read after, one call each, as
 * {@link EhrClient#searchAll} reads them.
 */
public final class EhrBatch {
    /**
     * Matches asked for in one page: a server pages a search at its own default otherwise (HAPI FHIR JPA at 10, fewer
     * than an episode's Tasks or orders; it grants 50 at most), and every further page is a call of its own.
     */
    static final int PAGE = 100;
    /** A FHIR id ({@code [A-Za-z0-9\-\.]{1,64}}): anything else no server can hold, and is not asked for. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final EhrClient ehr;
    private final String what;
    private final Bundle request = new Bundle().setType(Bundle.BundleType.BATCH);
    private Bundle response;
    /** Where these entries start in the answer: after a transaction's own ({@link #after}). */
    private int offset;

    EhrBatch(EhrClient ehr, String what) {
        this.ehr = ehr;
        this.what = what;
    }

    /** What one entry answered, once the batch is sent. */
    @FunctionalInterface
    public interface Answer<T> {
        /** @throws EhrFailure when the EHR did not answer this entry, or the batch was not sent */
        T get();
    }

    /** A search of {@code type} by typed criteria; {@code name} names it (ids only) in a failure's message. */
    public <T extends Resource> Answer<List<T>> search(String name, Class<T> type, ICriterion<?>... criteria) {
        int index = add(type.getSimpleName() + "?" + ConditionalUrl.query(criteria) + "&_count=" + PAGE);
        return () -> {
            Bundle.BundleEntryComponent entry = answered(index, name);
            if (!(entry.getResource() instanceof Bundle found)) {
                throw new EhrFailure.Permanent(EhrClient.UNREADABLE_ANSWER, name + ": the EHR's batch answer holds no search result");
            }
            return ehr.allPages(name, type, found);
        };
    }

    /** A read of {@code type/id}: empty when the EHR does not hold it (404, 410, or an id no server can hold). */
    public <T extends Resource> Answer<Optional<T>> read(Class<T> type, String id) {
        String name = "read " + type.getSimpleName();
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            return Optional::empty;
        }
        int index = add(type.getSimpleName() + "/" + id);
        return () -> {
            Bundle.BundleEntryComponent entry = answered(index, name, 404, 410);
            if (entry == null) {
                return Optional.empty();
            }
            if (!type.isInstance(entry.getResource())) {
                throw new EhrFailure.Permanent(EhrClient.UNREADABLE_ANSWER, name + ": the EHR's batch answer holds no " + type.getSimpleName());
            }
            return Optional.of(type.cast(entry.getResource()));
        };
    }

    /** Sends every entry added so far in one call (none: no call). */
    public EhrBatch send() {
        if (request.getEntry().isEmpty()) {
            response = new Bundle();
            return this;
        }
        Bundle answer = ehr.call(what, c -> c.transaction().withBundle(request).cacheControl(EhrClient.FRESH).execute());
        if (answer.getEntry().size() != request.getEntry().size()) {
            throw new EhrFailure.Permanent(EhrClient.UNREADABLE_ANSWER, what + ": the EHR answered " + answer.getEntry().size()
                    + " entries to a batch of " + request.getEntry().size());
        }
        response = answer;
        return this;
    }

    /**
     * Puts these reads at the end of a transaction instead of sending them: a FHIR server processes a transaction's
     * GET entries after its writes, so they read what the transaction left, in the same round trip. The transaction's
     * response then answers them ({@link #answeredBy}).
     */
    public Bundle after(Bundle transaction) {
        offset = transaction.getEntry().size();
        request.getEntry().forEach(e -> transaction.addEntry(e.copy()));
        return transaction;
    }

    /** The reads {@link #after put after a transaction}, answered by its response. */
    public EhrBatch answeredBy(Bundle transactionResponse) {
        if (transactionResponse.getEntry().size() != offset + request.getEntry().size()) {
            // The writes are done: what they left is read again on the retry, not given up on
            throw new EhrFailure.Transient(what + ": the EHR answered " + transactionResponse.getEntry().size()
                    + " entries to a transaction of " + (offset + request.getEntry().size()) + "; reading again");
        }
        response = transactionResponse;
        return this;
    }

    private int add(String url) {
        request.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(url);
        return request.getEntry().size() - 1;
    }

    /** The entry's answer when 200; null when one of {@code absent}; otherwise the failure its status is. */
    private Bundle.BundleEntryComponent answered(int index, String name, int... absent) {
        if (response == null) {
            throw new IllegalStateException(what + ": read before the batch was sent");
        }
        Bundle.BundleEntryComponent entry = response.getEntry().get(offset + index);
        int status = status(entry.getResponse().getStatus());
        if (status == 200) {
            return entry;
        }
        for (int a : absent) {
            if (status == a) {
                return null;
            }
        }
        String outcome = entry.getResponse().hasOutcome()
                ? org.lemstriage.model.fhir.Fhir.r4().newJsonParser().encodeResourceToString(entry.getResponse().getOutcome()) : null;
        throw EhrClient.failure(name, status, outcome);
    }

    /** The code of an entry's status ({@code "200 OK"}), or 502 when it has none a client can read. */
    private static int status(String text) {
        if (text == null || text.length() < 3) {
            return EhrClient.UNREADABLE_ANSWER;
        }
        try {
            return Integer.parseInt(text.substring(0, 3));
        } catch (NumberFormatException e) {
            return EhrClient.UNREADABLE_ANSWER;
        }
    }
}
