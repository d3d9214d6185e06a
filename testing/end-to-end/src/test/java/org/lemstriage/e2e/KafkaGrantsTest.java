package org.lemstriage.e2e;

import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.kafka.KafkaGrants;
import org.lemstriage.model.kafka.KafkaGrants.Grant;
import org.lemstriage.testsupport.Fixtures;

import java.io.Reader;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACLs a hospital grants ({@link KafkaGrants}) cover every topic each service's channels name: an incoming channel
 * needs READ, an outgoing one and every dead-letter topic WRITE. {@code SecuredKafkaIT} shows the grants suffice on
 * the paths a positive result takes; this covers the paths it does not (dead letters).
 */
class KafkaGrantsTest {
    private static final Pattern CHANNEL_TOPIC = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.(dead-letter-queue\\.)?topic");
    private static final Pattern TOPIC_NAME = Pattern.compile("\\$\\{lemstriage\\.topic\\.([a-z-]+)}");

    @Test
    void everyChannelTopicIsGrantedToItsService() throws Exception {
        assertThat(KafkaGrants.BY_SERVICE.keySet()).as("every service module has its grants")
                .containsExactlyInAnyOrder("ingest", "classifier", "notifier", "read-side");
        for (var service : KafkaGrants.BY_SERVICE.entrySet()) {
            Set<String> granted = service.getValue().stream().filter(Grant::isTopic)
                    .map(g -> g.operation() + " " + g.name()).collect(Collectors.toSet());
            List<String> needed = channelNeeds(service.getKey());
            assertThat(needed).as(service.getKey() + "'s channels").isNotEmpty();
            assertThat(granted).as(service.getKey() + "'s grants").containsAll(needed);
        }
    }

    /** "READ topic" or "WRITE topic" for each channel topic of the service's application.properties. */
    private static List<String> channelNeeds(String service) throws Exception {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Fixtures.repositoryRoot()
                .resolve("services/" + service + "/src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties.stringPropertyNames().stream().map(CHANNEL_TOPIC::matcher).filter(Matcher::matches).map(key -> {
            Matcher name = TOPIC_NAME.matcher(properties.getProperty(key.group()));
            assertThat(name.matches()).as(key.group() + " names its topic as ${lemstriage.topic.<name>}").isTrue();
            boolean reads = key.group(1).equals("incoming") && key.group(2) == null;
            return (reads ? AclOperation.READ : AclOperation.WRITE) + " " + Topics.BY_CONFIG_NAME.get(name.group(1));
        }).toList();
    }
}
