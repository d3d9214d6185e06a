package org.lemstriage.readside.fhir;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.lemstriage.readside.store.AuditEventQuery;
import org.lemstriage.readside.store.AuditEventQuery.Target;
import org.lemstriage.readside.store.AuditEventSearch;
import org.lemstriage.model.fhir.Fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /fhir/AuditEvent} with the search parameters of IHE Basic Audit Log Patterns' audit consumer: patient
 * (a Patient reference, or {@code patient.identifier=system|value}), agent and entity (a reference, or
 * {@code .identifier}), action, outcome, date (a range: {@code ge}, {@code le}...), paged by {@code _count} and
 * {@code _offset}, newest first; and {@code GET /fhir/AuditEvent/{id}}.
 */
@ApplicationScoped
public class AuditEventProvider implements IResourceProvider {
    private static final Set<String> ACTIONS = Set.of("C", "R", "U", "D", "E");
    private static final Set<String> OUTCOMES = Set.of("0", "4", "8", "12");
    private static final String IDENTIFIER = "identifier";
    /** A page unless {@code _count} asks otherwise, and the most one holds (AuditFhirServer, PageLimits) */
    static final int PAGE = 50;
    static final int MAXIMUM_PAGE = 500;

    private final AuditEventSearch search;

    public AuditEventProvider(AuditEventSearch search) {
        this.search = search;
    }

    @Override
    public Class<AuditEvent> getResourceType() {
        return AuditEvent.class;
    }

    @Read
    public AuditEvent read(@IdParam IdType id) {
        AuditEventSearch.Found found = StoreUnavailable.whenFailing(() -> search.byId(id.getIdPart()));
        if (found == null) {
            throw new ResourceNotFoundException(id);
        }
        return found.toAuditEvent();
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = AuditEvent.SP_PATIENT, chainWhitelist = {"", IDENTIFIER}) ReferenceOrListParam patient,
            @OptionalParam(name = AuditEvent.SP_AGENT, chainWhitelist = {"", IDENTIFIER}) ReferenceOrListParam agent,
            @OptionalParam(name = AuditEvent.SP_ENTITY, chainWhitelist = {"", IDENTIFIER}) ReferenceOrListParam entity,
            @OptionalParam(name = AuditEvent.SP_ACTION) TokenOrListParam action,
            @OptionalParam(name = AuditEvent.SP_OUTCOME) TokenOrListParam outcome,
            @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
            @Offset Integer offset, @Count Integer count) {
        AuditEventQuery query = new AuditEventQuery();
        if (patient != null) {
            query.entity(targets(AuditEvent.SP_PATIENT, patient, "Patient"), true);
        }
        if (agent != null) {
            query.agent(targets(AuditEvent.SP_AGENT, agent, null));
        }
        if (entity != null) {
            query.entity(targets(AuditEvent.SP_ENTITY, entity, null), false);
        }
        if (action != null) {
            query.actionIn(codes(AuditEvent.SP_ACTION, action, ACTIONS));
        }
        if (outcome != null) {
            query.outcomeIn(codes(AuditEvent.SP_OUTCOME, outcome, OUTCOMES));
        }
        if (date != null) {
            query.recorded(instant(date.getLowerBoundAsInstant()), instant(date.getUpperBoundAsInstant()));
        }
        return offset == null ? new Page(query, null, null) : new Page(query, offset, Math.min(count == null ? PAGE : count, MAXIMUM_PAGE));
    }

    /**
     * The matches, counted once and read a page at a time (no state between pages). Without {@code _offset} HAPI asks
     * for its page; with it, this page is the one asked for ({@code _offset}, {@code _count}), read alone: HAPI would
     * otherwise read every match and cut the page from them.
     */
    private final class Page implements IBundleProvider {
        private final AuditEventQuery query;
        private final Integer offset;
        private final Integer count;
        private final ca.uhn.fhir.model.primitive.InstantDt published = ca.uhn.fhir.model.primitive.InstantDt.withCurrentTime();
        private Integer size;

        Page(AuditEventQuery query, Integer offset, Integer count) {
            this.query = query;
            this.offset = offset;
            this.count = count;
        }

        @Override
        public Integer getCurrentPageOffset() {
            return offset;
        }

        @Override
        public Integer getCurrentPageSize() {
            return count;
        }

        @Override
        public Integer size() {
            if (size == null) {
                size = StoreUnavailable.whenFailing(() -> search.count(query));
            }
            return size;
        }

        @Override
        public List<IBaseResource> getResources(int from, int to) {
            int first = offset == null ? from : offset + from;
            int length = Math.min(Math.max(0, to - from), count == null ? MAXIMUM_PAGE : count);
            List<IBaseResource> page = new ArrayList<>();
            StoreUnavailable.whenFailing(() -> search.page(query, first, length))
                    .forEach(found -> page.add(found.toAuditEvent()));
            return page;
        }

        @Override
        public ca.uhn.fhir.model.primitive.InstantDt getPublished() {
            return published;
        }

        @Override
        public String getUuid() {
            return null;
        }

        @Override
        public Integer preferredPageSize() {
            return null;
        }
    }


    private static List<Target> targets(String name, ReferenceOrListParam anyOf, String requiredType) {
        List<Target> targets = new ArrayList<>();
        for (ReferenceParam p : anyOf.getValuesAsQueryTokens()) {
            if (IDENTIFIER.equals(p.getChain())) {
                targets.add(Target.identifierToken(p.getValue()));
                continue;
            }
            String type = p.getResourceType() != null ? p.getResourceType() : requiredType;
            if (type == null || p.getIdPart() == null) {
                throw new InvalidRequestException("search parameter " + name + " takes Type/id or " + name + ".identifier=system|value, not '"
                        + p.getValue() + "'");
            }
            if (requiredType != null && !requiredType.equals(type)) {
                throw new InvalidRequestException("search parameter " + name + " names a " + requiredType + ", not a " + type);
            }
            targets.add(Target.reference(type + "/" + p.getIdPart()));
        }
        return targets;
    }

    private static List<String> codes(String name, TokenOrListParam anyOf, Set<String> allowed) {
        List<String> codes = new ArrayList<>();
        for (TokenParam t : anyOf.getValuesAsQueryTokens()) {
            if (!allowed.contains(t.getValue())) {
                throw new InvalidRequestException("search parameter " + name + " takes one of " + new java.util.TreeSet<>(allowed)
                        + ", not '" + t.getValue() + "'");
            }
            codes.add(t.getValue());
        }
        return codes;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
