package org.lemstriage.model.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.lemstriage.model.kafka.KafkaGrants.Grant;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether this service can do on the broker what it needs to ({@link KafkaGrants}): its credentials accepted, its TLS
 * handshake made, each of its topics there and each operation on it allowed. Asked by the service's readiness, so a
 * wrong password or a missing ACL shows as "not ready" with a reason an operator can act on, not as requests failing
 * later. The broker answers with the operations this principal may do on each topic (KIP-430), so nothing is written
 * to find out. Transactional id and group grants cannot be asked this way; they show when first used.
 */
public final class KafkaAccess implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KafkaAccess.class.getName());
    /** A first TLS and SCRAM handshake from a cold JVM takes a few seconds on a busy machine. */
    private static final int TIMEOUT_MS = 6000;

    private final Map<String, Object> adminConfig;
    private final Map<String, Set<AclOperation>> needed = new TreeMap<>();
    private Admin admin;
    private List<String> lastProblems = List.of();
    /** The question out now, if any. */
    private CompletableFuture<List<String>> asking;

    /** {@code clientConfig}: the service's Kafka client settings (bootstrap, security.*, sasl.*, ssl.*). */
    public KafkaAccess(Map<String, ?> clientConfig, List<Grant> grants) {
        adminConfig = KafkaClientSettings.of(clientConfig, AdminClientConfig.configNames(), "lems-triage-access-check");
        adminConfig.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092"); // the connector's default
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        grants.stream().filter(Grant::isTopic)
                .forEach(grant -> needed.computeIfAbsent(grant.name(), topic -> new LinkedHashSet<>()).add(grant.operation()));
    }

    /**
     * What this service may not do, one sentence each; empty when it may do all it needs. A change is logged once.
     * Callers that come while a question is out share its answer: probes never queue one behind another, each waiting
     * up to {@value #TIMEOUT_MS} ms for a broker that is away (ProbesIT).
     */
    public List<String> problems() {
        CompletableFuture<List<String>> answer;
        boolean asker = false;
        synchronized (this) {
            if (asking == null) {
                asking = new CompletableFuture<>();
                asker = true;
            }
            answer = asking;
        }
        if (!asker) {
            return answer.join();
        }
        List<String> problems = List.of("Kafka could not be asked");
        try {
            problems = ask();
            logChange(problems);
        } finally {
            synchronized (this) {
                asking = null;
            }
            answer.complete(problems);
        }
        return problems;
    }

    private synchronized void logChange(List<String> problems) {
        if (!problems.equals(lastProblems)) {
            if (problems.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "Kafka access: every topic this service uses is reachable and allowed");
            } else {
                LOG.log(System.Logger.Level.WARNING, "Kafka access: " + String.join("; ", problems));
            }
            lastProblems = problems;
        }
    }

    private List<String> ask() {
        Map<String, KafkaFuture<TopicDescription>> topics = admin().describeTopics(needed.keySet(),
                new DescribeTopicsOptions().includeAuthorizedOperations(true).timeoutMs(TIMEOUT_MS)).topicNameValues();
        List<String> problems = new ArrayList<>();
        for (var need : needed.entrySet()) {
            try {
                Set<AclOperation> allowed = topics.get(need.getKey()).get(TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS).authorizedOperations();
                // null: the broker did not say (older than KIP-430): nothing to check
                if (allowed != null && !allowed.contains(AclOperation.ALL)) {
                    need.getValue().stream().filter(operation -> !allowed.contains(operation)).forEach(operation ->
                            problems.add("not allowed to " + operation + " topic " + need.getKey() + " (an ACL is missing)"));
                }
            } catch (ExecutionException e) {
                String problem = describe(e.getCause(), need.getKey());
                if (e.getCause() instanceof AuthenticationException || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    return List.of(problem); // the same for every topic: say it once
                }
                problems.add(problem);
            } catch (TimeoutException e) {
                return List.of(noAnswer());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of("interrupted while asking Kafka");
            }
        }
        return problems;
    }

    private static String describe(Throwable cause, String topic) {
        if (cause instanceof SaslAuthenticationException) {
            return "Kafka refused this service's credentials (" + cause.getMessage() + "): check kafka.sasl.jaas.config and kafka.sasl.mechanism";
        }
        if (cause instanceof SslAuthenticationException) {
            return "the TLS handshake with Kafka failed (" + rootMessage(cause) + "): check kafka.ssl.truststore.* and that the broker's "
                    + "certificate names the host in kafka.bootstrap.servers";
        }
        if (cause instanceof AuthenticationException) {
            return "Kafka did not authenticate this service (" + cause.getMessage() + ")";
        }
        if (cause instanceof TopicAuthorizationException) {
            return "not allowed to DESCRIBE topic " + topic + " (no ACL for this service on it)";
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return "topic " + topic + " does not exist";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return noAnswer();
        }
        return "Kafka could not be asked about topic " + topic + " (" + cause.getClass().getSimpleName() + ")";
    }

    private static String noAnswer() {
        return "Kafka did not answer within " + TIMEOUT_MS + " ms (broker away, or kafka.security.protocol not the listener's)";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
