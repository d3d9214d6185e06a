package org.lemstriage.model.kafka;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.lemstriage.model.Topics;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What each service may do on a broker with ACLs, and nothing more: the least a hospital's Kafka team has to grant
 * (docs/configuration.md, "Kafka security"). A service's readiness checks its topic grants ({@link KafkaAccess}); the secured test
 * broker grants exactly these. Since Kafka 3.0 an idempotent producer needs WRITE on its topics only, not
 * IDEMPOTENT_WRITE on the cluster (KIP-679); READ and WRITE imply DESCRIBE.
 */
public final class KafkaGrants {
    /** One permission: an operation on a resource named exactly (LITERAL) or by its start (PREFIXED). */
    public record Grant(ResourceType type, PatternType pattern, String name, AclOperation operation) {
        static Grant read(String topic) {
            return new Grant(ResourceType.TOPIC, PatternType.LITERAL, topic, AclOperation.READ);
        }

        static Grant write(String topic) {
            return new Grant(ResourceType.TOPIC, PatternType.LITERAL, topic, AclOperation.WRITE);
        }

        static Grant prefixed(ResourceType type, String prefix, AclOperation operation) {
            return new Grant(type, PatternType.PREFIXED, prefix, operation);
        }

        /** A topic named exactly: what a service's readiness can check with the broker. */
        public boolean isTopic() {
            return type == ResourceType.TOPIC && pattern == PatternType.LITERAL;
        }

        /** This permission as the ACL a broker stores, for the principal (for example {@code User:lems-triage-ingest}). */
        public AclBinding aclFor(String principal) {
            return new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
        }
    }

    /** FHIR results in, AuditEvents out; Transaction Bundles are Kafka transactions, one transactional id per instance. */
    public static final List<Grant> INGEST = List.of(
            Grant.write(Topics.LAB_OBSERVATION),
            Grant.write(Topics.TRIAGE_AUDIT),
            Grant.prefixed(ResourceType.TRANSACTIONAL_ID, "lems-triage-ingest-", AclOperation.WRITE),
            Grant.prefixed(ResourceType.TRANSACTIONAL_ID, "lems-triage-ingest-", AclOperation.DESCRIBE));

    /**
     * Kafka Streams (application id {@code lems-triage-classifier}: its consumer group, its internal changelog and
     * repartition topics, which it creates, and its exactly-once transactional ids all start with it) and the context
     * reader (group {@code lems-triage-classifier-context}).
     */
    public static final List<Grant> CLASSIFIER = List.of(
            Grant.read(Topics.LAB_OBSERVATION),
            Grant.read(Topics.CONTEXT),
            Grant.read(Topics.CONTEXT_REQUEST),
            Grant.write(Topics.CONTEXT),
            Grant.write(Topics.CONTEXT_REQUEST),
            Grant.write(Topics.TRIAGE_DECISION),
            Grant.write(Topics.LAB_OBSERVATION_DLQ),
            Grant.write(Topics.CONTEXT_REQUEST_DLQ),
            Grant.prefixed(ResourceType.GROUP, "lems-triage-classifier", AclOperation.READ),
            Grant.prefixed(ResourceType.TOPIC, "lems-triage-classifier-", AclOperation.ALL),
            Grant.prefixed(ResourceType.TRANSACTIONAL_ID, "lems-triage-classifier", AclOperation.WRITE),
            Grant.prefixed(ResourceType.TRANSACTIONAL_ID, "lems-triage-classifier", AclOperation.DESCRIBE));

    /** Decisions in (group {@code lems-triage-notifier}); the EHR refused for good to its DLQ; AuditEvents out. */
    public static final List<Grant> NOTIFIER = List.of(
            Grant.read(Topics.TRIAGE_DECISION),
            Grant.write(Topics.TRIAGE_DECISION_DLQ),
            Grant.write(Topics.TRIAGE_AUDIT),
            new Grant(ResourceType.GROUP, PatternType.LITERAL, "lems-triage-notifier", AclOperation.READ));

    /**
     * The read side (its audit store): AuditEvents and decisions in (groups {@code lems-triage-read-side-events} and
     * {@code lems-triage-read-side-decisions}), what it cannot read to its DLQ, the AuditEvents of reads out. The console's
     * pipeline view only looks: every topic's offsets and every lems-triage group's committed offsets (DESCRIBE). Its
     * operator view reads the dead-letter topics (by assignment, no group) and replays onto the topics they collect from
     * ({@link DeadLetterReplay#ORIGINS}).
     */
    public static final List<Grant> READ_SIDE = Stream.of(Stream.of(
            Grant.read(Topics.TRIAGE_AUDIT),
            Grant.read(Topics.TRIAGE_DECISION),
            Grant.write(Topics.TRIAGE_AUDIT),
            Grant.write(Topics.AUDIT_STORE_DLQ),
            Grant.prefixed(ResourceType.GROUP, "lems-triage-read-side-", AclOperation.READ),
            Grant.prefixed(ResourceType.GROUP, "lems-triage-", AclOperation.DESCRIBE)),
            DeadLetterReplay.ORIGINS.keySet().stream().sorted().map(Grant::read),
            DeadLetterReplay.ORIGINS.values().stream().flatMap(java.util.Set::stream).distinct()
                    .filter(t -> !t.equals(Topics.TRIAGE_AUDIT)).sorted().map(Grant::write),
            Topics.ALL.stream().sorted().map(t -> new Grant(ResourceType.TOPIC, PatternType.LITERAL, t, AclOperation.DESCRIBE)))
            .flatMap(s -> s).toList();

    /** Each service's grants by its name (Quarkus' application name: the service's Maven artifactId). */
    public static final Map<String, List<Grant>> BY_SERVICE =
            Map.of("ingest", INGEST, "classifier", CLASSIFIER, "notifier", NOTIFIER, "read-side", READ_SIDE);

    public static List<Grant> forService(String service) {
        List<Grant> grants = BY_SERVICE.get(service);
        if (grants == null) {
            throw new IllegalArgumentException("no Kafka grants for a service named '" + service + "'; known: "
                    + new java.util.TreeSet<>(BY_SERVICE.keySet()));
        }
        return grants;
    }

    private KafkaGrants() {
    }
}
