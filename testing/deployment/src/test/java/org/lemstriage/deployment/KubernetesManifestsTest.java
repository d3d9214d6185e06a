package org.lemstriage.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.kafka.KafkaGrants;
import org.lemstriage.model.terminology.Analyte;
import org.lemstriage.model.terminology.AnalyteMap;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * deploy/kubernetes checked without a cluster: every manifest is valid in the Kubernetes and Strimzi models, and says
 * what the services need (their ports, health endpoints, state volume, secrets from outside, exactly the topics of
 * {@link Topics} and the grants of {@link KafkaGrants}).
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Manifests.repositoryRoot();
    private static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    private static final Path PROMETHEUS_OPERATOR = KUBERNETES.resolve("prometheus-operator");
    private static final Map<String, String> SERVICES = Map.of("lems-triage-ingest", "ingest",
            "lems-triage-classifier", "classifier", "lems-triage-notifier", "notifier", "lems-triage-read-side", "read-side");
    private static final List<HasMetadata> resources = new ArrayList<>();

    @BeforeAll
    static void readAll() throws IOException {
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            // The Prometheus Operator's kinds have no model here: that folder has its own test
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.startsWith(PROMETHEUS_OPERATOR)).sorted().toList()) {
                for (JsonNode document : Manifests.documents(file)) {
                    if (!document.path("kind").asText().equals("Kustomization")) {
                        resources.add(Manifests.typed(document, file));
                    }
                }
            }
        }
        assertThat(resources).as("manifests under " + KUBERNETES).isNotEmpty();
    }

    @Test
    void everyManifestIsValidInItsModelWithNoUnknownField() {
        for (HasMetadata resource : resources) {
            assertThat(Manifests.unknownFields(resource)).as(resource.getKind() + " " + resource.getMetadata().getName()).isEmpty();
            assertThat(resource.getMetadata().getName()).as(resource.getKind()).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        }
    }

    @Test
    void theCheckFindsAMisspeltFieldAndAWrongType() {
        JsonNode misspelt = Manifests.documents(KUBERNETES.resolve("base/notifier.yaml")).get(0).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) misspelt.at("/spec/template/spec/containers/0"))
                .set("livenesProbe", misspelt.at("/spec/template/spec/containers/0/livenessProbe"));
        assertThat(Manifests.unknownFields(Manifests.typed(misspelt, Path.of("test"))))
                .containsExactly("spec.template.spec.containers[0].livenesProbe");

        JsonNode wrongType = misspelt.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) wrongType.at("/spec")).put("replicas", "two");
        assertThatThrownBy(() -> Manifests.typed(wrongType, Path.of("test"))).hasMessageContaining("replicas");
    }

    @Test
    void kustomizationsNameFilesThatExist() throws IOException {
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            for (Path kustomization : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                JsonNode k = Manifests.documents(kustomization).get(0);
                List<String> named = new ArrayList<>();
                k.path("resources").forEach(r -> named.add(r.asText()));
                k.path("patches").forEach(p -> named.add(p.path("path").asText()));
                assertThat(named).as(kustomization.toString()).isNotEmpty().allSatisfy(name ->
                        assertThat(kustomization.getParent().resolve(name)).as(kustomization + " names " + name).exists());
            }
        }
    }

    @Test
    void eachServiceRunsWithItsPortHealthProbesLimitsAndNoRoot() throws IOException {
        for (Map.Entry<String, String> service : SERVICES.entrySet()) {
            PodTemplateSpec template = podTemplate(service.getKey());
            PodSpec pod = template.getSpec();
            Container container = pod.getContainers().get(0);
            int port = Integer.parseInt(applicationProperties(service.getValue()).getProperty("quarkus.http.port"));
            // Its HTTP port, named http (ingest has its HL7 v2 listener beside it)
            assertThat(container.getPorts()).as(service.getKey()).filteredOn(p -> "http".equals(p.getName())).singleElement()
                    .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
            assertProbe(container.getStartupProbe(), "/q/health/started", service.getKey());
            assertProbe(container.getLivenessProbe(), "/q/health/live", service.getKey());
            assertProbe(container.getReadinessProbe(), "/q/health/ready", service.getKey());
            assertThat(container.getResources().getRequests()).as(service.getKey()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as(service.getKey()).containsKey("memory");
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(service.getKey()).isTrue();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(service.getKey()).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(service.getKey()).isFalse();
            // Credentials come from Secrets, never as values in a manifest
            assertThat(container.getEnv()).filteredOn(e -> e.getName().matches(".*(JAAS|PASSWORD|SECRET|TOKEN|KEY$).*"))
                    .as(service.getKey()).allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef()).isNotNull());
            // Every volume mounted exists in the pod, every ConfigMap named exists here
            Set<String> volumes = pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
            if (service.getKey().equals("lems-triage-classifier")) {
                volumes.add("state"); // the StatefulSet's claim
            }
            assertThat(container.getVolumeMounts()).allSatisfy(m -> assertThat(volumes).as(service.getKey()).contains(m.getName()));
            assertThat(pod.getVolumes()).filteredOn(v -> v.getConfigMap() != null)
                    .allSatisfy(v -> assertThat(names(ConfigMap.class)).contains(v.getConfigMap().getName()));
            assertThat(container.getEnvFrom()).allSatisfy(e -> assertThat(names(ConfigMap.class)).contains(e.getConfigMapRef().getName()));
        }
    }

    @Test
    void theClassifierKeepsItsStateOnAVolumeAndAdvertisesItsAddress() {
        StatefulSet classifier = one(StatefulSet.class, "lems-triage-classifier");
        Container container = classifier.getSpec().getTemplate().getSpec().getContainers().get(0);
        String stateDir = env(container, "KAFKA_STREAMS_STATE_DIR").getValue();
        assertThat(classifier.getSpec().getVolumeClaimTemplates()).singleElement()
                .satisfies(claim -> assertThat(container.getVolumeMounts()).anySatisfy(m -> {
                    assertThat(m.getName()).isEqualTo(claim.getMetadata().getName());
                    assertThat(m.getMountPath()).isEqualTo(stateDir);
                }));
        assertThat(env(container, "LEMSTRIAGE_ADVERTISED_HOST").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        assertThat(names(Service.class)).contains(classifier.getSpec().getServiceName());
    }

    @Test
    void theExampleOverlayTakesEveryServiceImageFromTheHospitalsRegistry() throws IOException {
        JsonNode overlay = Manifests.documents(KUBERNETES.resolve("overlays/example-hospital/kustomization.yaml")).get(0);
        List<String> remapped = new ArrayList<>();
        overlay.path("images").forEach(image -> remapped.add(image.path("name").asText()));
        for (String workload : SERVICES.keySet()) {
            String image = podTemplate(workload).getSpec().getContainers().get(0).getImage();
            assertThat(remapped).as("the overlay remaps %s", image).contains(image.substring(0, image.indexOf(':')));
        }
    }

    /**
     * Every site URL comes from the overlay. The base names the hospital only as hospital.example
     * placeholders in ConfigMaps and in the Ingress's host names, never in a workload, and the example overlay patches
     * each such value with its own.
     */
    @Test
    void everySiteValueOfTheBaseIsInAConfigMapOrTheIngressThatTheExampleOverlayReplaces() throws IOException {
        Map<String, String> placeholders = new java.util.TreeMap<>();
        List<String> ingresses = new ArrayList<>();
        try (Stream<Path> files = Files.list(KUBERNETES.resolve("base"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode document : Manifests.documents(file)) {
                    String kind = document.path("kind").asText();
                    if (kind.equals("ConfigMap")) {
                        document.path("data").fields().forEachRemaining(entry -> {
                            if (entry.getValue().asText().contains("hospital.example")) {
                                placeholders.put(document.path("metadata").path("name").asText() + "/" + entry.getKey(), entry.getValue().asText());
                            }
                        });
                    } else if (kind.equals("Ingress")) {
                        ingresses.add(document.path("metadata").path("name").asText());
                    } else {
                        assertThat(document.toString()).as(file.getFileName() + " " + kind + " names the site outside a ConfigMap")
                                .doesNotContain("hospital.example");
                    }
                }
            }
        }
        assertThat(placeholders).as("the base's site values").isNotEmpty();
        Path overlay = KUBERNETES.resolve("overlays/example-hospital");
        Map<String, String> patched = new java.util.HashMap<>();
        Map<String, String> patchedIngresses = new java.util.HashMap<>();
        for (JsonNode patch : Manifests.documents(overlay.resolve("kustomization.yaml")).get(0).path("patches")) {
            for (JsonNode document : Manifests.documents(overlay.resolve(patch.path("path").asText()))) {
                String name = document.path("metadata").path("name").asText();
                document.path("data").fields().forEachRemaining(entry -> patched.put(name + "/" + entry.getKey(), entry.getValue().asText()));
                if (document.path("kind").asText().equals("Ingress")) {
                    patchedIngresses.put(name, document.path("spec").toString());
                }
            }
        }
        for (String key : placeholders.keySet()) {
            assertThat(patched.get(key)).as("the overlay's " + key).isNotNull().doesNotContain("hospital.example");
        }
        for (String ingress : ingresses) {
            assertThat(patchedIngresses.get(ingress)).as("the overlay's Ingress " + ingress).isNotNull().doesNotContain("hospital.example");
        }
    }

    /**
     * The overlays as kustomize renders them (`kubectl kustomize`, where kubectl is installed: skipped elsewhere): the
     * example hospital's holds none of the base's hospital.example placeholders, and every kind the base, the Kafka
     * folder and the Prometheus Operator folder make; the overlay deploy/kubernetes/run-here plays on podman renders too.
     */
    @Test
    void theOverlaysRenderWithKustomizeAndTheExampleNamesOnlyItsOwnSite() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl(), "kubectl (its kustomize) is not installed here");
        String example = kustomize("overlays/example-hospital");
        assertThat(example).doesNotContain("hospital.example").contains("registry.st-example.org/lems-triage/read-side:0.2.0");
        List<String> kinds = new ArrayList<>();
        for (JsonNode document : Manifests.YAML.readerFor(JsonNode.class).<JsonNode>readValues(example).readAll()) {
            kinds.add(document.path("kind").asText());
            assertThat(document.path("metadata").path("namespace").asText(document.path("kind").asText().equals("Namespace") ? "" : "?"))
                    .as(document.path("kind") + " " + document.path("metadata").path("name")).isIn("lems-triage", "");
        }
        assertThat(kinds).contains("Deployment", "StatefulSet", "Service", "ConfigMap", "NetworkPolicy", "Ingress", "PodDisruptionBudget",
                "KafkaTopic", "KafkaUser", "ServiceMonitor", "PrometheusRule", "Namespace");
        assertThat(kinds.stream().filter("KafkaUser"::equals)).hasSize(4);
        assertThat(kustomize("overlays/run-here")).contains("docker.io/lems-triage/classifier:0.2.0").contains("kafka:9092");
        assertThat(kustomize("kafka")).contains("kind: KafkaTopic").contains("kind: KafkaUser");
    }

    private static boolean kubectl() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String kustomize(String folder) throws IOException, InterruptedException {
        Process render = new ProcessBuilder("kubectl", "kustomize", KUBERNETES.resolve(folder).toString()).redirectErrorStream(true).start();
        String out = new String(render.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(render.waitFor()).as("kubectl kustomize %s: %s", folder, out).isZero();
        return out;
    }

    /**
     * The Ingress takes people and the EHR to what they use, on the services' named ports: the console, the AuditEvent
     * API and CDS Hooks to the read-side service, the triage view to the classifier, and on a host of its own (both serve
     * /fhir) ingest's FHIR endpoint; TLS for both hosts.
     */
    @Test
    void theIngressRoutesTheConsoleAuditApiCdsHooksTriageViewAndIngest() {
        var ingress = resources.stream().filter(r -> r instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress)
                .map(r -> (io.fabric8.kubernetes.api.model.networking.v1.Ingress) r)
                .filter(r -> r.getSpec().getRules().get(0).getHost().endsWith("hospital.example")).findFirst().orElseThrow();
        Map<String, String> routes = new java.util.TreeMap<>();
        for (var rule : ingress.getSpec().getRules()) {
            for (var path : rule.getHttp().getPaths()) {
                var backend = path.getBackend().getService();
                routes.put(rule.getHost().replaceFirst("\\..*", "") + path.getPath() + " " + path.getPathType(),
                        backend.getName() + ":" + backend.getPort().getName());
            }
        }
        assertThat(routes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "lems-triage/console Prefix", "lems-triage-read-side:http",
                "lems-triage/fhir Prefix", "lems-triage-read-side:http",
                "lems-triage/cds-services Prefix", "lems-triage-read-side:http",
                "lems-triage/patients Prefix", "lems-triage-classifier:http",
                "lems-triage-ingest/fhir Prefix", "lems-triage-ingest:http"));
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> assertThat(tls.getHosts())
                .containsExactlyInAnyOrderElementsOf(ingress.getSpec().getRules().stream().map(r -> r.getHost()).toList()));
        for (String service : List.of("lems-triage-read-side", "lems-triage-classifier", "lems-triage-ingest")) {
            assertThat(names(Service.class)).contains(service);
        }
    }

    /**
     * For sites with the Prometheus Operator: the ServiceMonitor scrapes exactly the four services' Services (once
     * each, on their http port's /q/metrics), and the PrometheusRule holds exactly the alert rules promtool tests.
     */
    @Test
    void theServiceMonitorScrapesTheFourServicesAndThePrometheusRuleIsTheTestedAlertRules() throws IOException {
        JsonNode monitor = Manifests.documents(PROMETHEUS_OPERATOR.resolve("service-monitor.yaml")).get(0);
        assertThat(monitor.path("apiVersion").asText() + "/" + monitor.path("kind").asText()).isEqualTo("monitoring.coreos.com/v1/ServiceMonitor");
        Map<String, String> selector = new java.util.HashMap<>();
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
        List<String> selected = resources.stream().filter(r -> r instanceof Service && r.getMetadata().getLabels() != null
                        && r.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .map(r -> r.getMetadata().getName()).distinct().toList();
        assertThat(selector).isNotEmpty();
        // Not a label the kustomization gives every resource (it would select the classifier's per-instance Service too)
        JsonNode common = Manifests.documents(KUBERNETES.resolve("base/kustomization.yaml")).get(0).path("labels");
        common.forEach(set -> set.path("pairs").fieldNames().forEachRemaining(label -> assertThat(selector).doesNotContainKey(label)));
        assertThat(selected).containsExactlyInAnyOrderElementsOf(SERVICES.keySet());
        for (String service : selected) {
            assertThat(resources.stream().filter(r -> r instanceof Service && r.getMetadata().getName().equals(service))
                    .map(r -> (Service) r).findFirst().orElseThrow().getSpec().getPorts()).anyMatch(p -> p.getName().equals("http"));
        }
        assertThat(monitor.path("spec").path("endpoints")).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.path("port").asText()).isEqualTo("http");
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        });

        JsonNode rule = Manifests.documents(PROMETHEUS_OPERATOR.resolve("prometheus-rule.yaml")).get(0);
        assertThat(rule.path("apiVersion").asText() + "/" + rule.path("kind").asText()).isEqualTo("monitoring.coreos.com/v1/PrometheusRule");
        JsonNode tested = Manifests.documents(ROOT.resolve("deploy/monitoring/alert-rules.yml")).get(0).path("groups");
        assertThat(rule.path("spec").path("groups")).isEqualTo(tested);
        assertThat(tested.size()).isPositive();
    }

    /**
     * Strimzi's operators watch Kafka's namespace only, so the topics and users are a part of their own
     * (deploy/kubernetes/kafka), applied where Kafka runs; the base holds none, and the example overlay (Kafka beside
     * lems-triage) includes that part.
     */
    @Test
    void theKafkaTopicsAndUsersAreAPartOfTheirOwnThatTheExampleOverlayIncludes() throws IOException {
        List<String> strimzi = new ArrayList<>();
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode document : Manifests.documents(file)) {
                    if (document.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                        strimzi.add(KUBERNETES.relativize(file.getParent()) + " " + document.path("kind").asText());
                    }
                }
            }
        }
        assertThat(strimzi).isNotEmpty().allMatch(place -> place.startsWith("kafka "));
        List<String> partResources = new ArrayList<>();
        Manifests.documents(KUBERNETES.resolve("kafka/kustomization.yaml")).get(0).path("resources").forEach(r -> partResources.add(r.asText()));
        assertThat(partResources).containsExactlyInAnyOrder("kafka-topics.yaml", "kafka-users.yaml");
        List<String> overlay = new ArrayList<>();
        Manifests.documents(KUBERNETES.resolve("overlays/example-hospital/kustomization.yaml")).get(0).path("resources").forEach(r -> overlay.add(r.asText()));
        assertThat(overlay).contains("../../base", "../../kafka");
        assertThat(Manifests.documentation()).contains("kubectl apply -n kafka -k deploy/kubernetes/kafka", "lems-kafka-cluster-ca-cert");
    }

    @Test
    void networkPoliciesLetOnlyTheEngineReachIngestAndOnlyTheIngressReachTheConsole() {
        List<NetworkPolicy> policies = resources.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).toList();
        assertThat(policies).as("a policy that selects every pod and lets nothing in").anySatisfy(p -> {
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(p.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
        });
        for (NetworkPolicy p : policies) {
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                assertThat(rule.getFrom()).as("%s: a rule without 'from' lets anyone in", p.getMetadata().getName()).isNotEmpty();
                assertThat(rule.getPorts()).as("%s: a rule without ports opens every port", p.getMetadata().getName()).isNotEmpty();
            }
        }
        assertThat(sourcesOf(policies, "lems-triage-ingest", "mllp")).containsExactly("namespace lems-triage.org/role=integration-engine");
        assertThat(sourcesOf(policies, "lems-triage-ingest", "http")).containsExactlyInAnyOrder("namespace lems-triage.org/role=integration-engine",
                "namespace lems-triage.org/role=ingress", "namespace lems-triage.org/role=monitoring", "pods app.kubernetes.io/name=lems-triage-read-side");
        assertThat(sourcesOf(policies, "lems-triage-classifier", "http")).containsExactlyInAnyOrder("pods app.kubernetes.io/name=lems-triage-classifier",
                "namespace lems-triage.org/role=ingress", "namespace lems-triage.org/role=monitoring");
        assertThat(sourcesOf(policies, "lems-triage-notifier", "http")).containsExactlyInAnyOrder("namespace lems-triage.org/role=monitoring",
                "pods app.kubernetes.io/name=lems-triage-read-side");
        assertThat(sourcesOf(policies, "lems-triage-read-side", "http")).containsExactlyInAnyOrder("namespace lems-triage.org/role=ingress",
                "namespace lems-triage.org/role=monitoring");
        for (String name : SERVICES.keySet()) {
            assertThat(sourcesOf(policies, name, "http")).as(name).contains("namespace lems-triage.org/role=monitoring");
        }
    }

    /** Who may reach a workload's named port, as "namespace k=v" or "pods k=v" (same namespace), over every policy that selects it. */
    private static List<String> sourcesOf(List<NetworkPolicy> policies, String workload, String port) {
        Map<String, String> pod = podTemplate(workload).getMetadata().getLabels();
        List<String> sources = new ArrayList<>();
        for (NetworkPolicy p : policies) {
            if (!selects(p.getSpec().getPodSelector(), pod)) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                if (rule.getPorts().stream().noneMatch(to -> port.equals(to.getPort().getStrVal()))) {
                    continue;
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).as("%s: sources by address", p.getMetadata().getName()).isNull();
                    LabelSelector selector = peer.getNamespaceSelector() != null ? peer.getNamespaceSelector() : peer.getPodSelector();
                    assertThat(peer.getNamespaceSelector() == null || peer.getPodSelector() == null).isTrue();
                    sources.add((peer.getNamespaceSelector() != null ? "namespace " : "pods ") + selector.getMatchLabels().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
                }
            }
        }
        return sources;
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        boolean byLabels = selector.getMatchLabels() == null || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
        boolean byExpressions = selector.getMatchExpressions() == null || selector.getMatchExpressions().stream()
                .allMatch(e -> "In".equals(e.getOperator()) && e.getValues().contains(labels.get(e.getKey())));
        return byLabels && byExpressions;
    }

    @Test
    void everyWorkloadHasAServiceAndADisruptionBudgetThatSelectIt() {
        for (String name : SERVICES.keySet()) {
            Map<String, String> labels = podTemplate(name).getMetadata().getLabels();
            assertThat(resources).filteredOn(r -> r instanceof Service s && s.getSpec().getSelector() != null
                    && labels.entrySet().containsAll(s.getSpec().getSelector().entrySet())).as(name).isNotEmpty();
            assertThat(resources).filteredOn(r -> r instanceof PodDisruptionBudget p
                    && labels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet())).as(name).hasSize(1);
        }
        for (HasMetadata r : resources) {
            if (r instanceof Service s) {
                assertThat(SERVICES.keySet()).as("Service %s selects a workload", s.getMetadata().getName())
                        .anySatisfy(w -> assertThat(podTemplate(w).getMetadata().getLabels()).containsAllEntriesOf(s.getSpec().getSelector()));
            }
        }
    }

    @Test
    void everyTopicIsThereReplicatedThreeTimesWithTwoInSync() {
        List<KafkaTopic> topics = all(KafkaTopic.class);
        assertThat(topics).extracting(t -> t.getSpec().getTopicName()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(topics).extracting(t -> t.getSpec().getPartitions()).as("partitioned alike: the classifier joins by partition")
                .containsOnly(topics.get(0).getSpec().getPartitions());
        assertThat(topics).allSatisfy(t -> {
            assertThat(t.getSpec().getReplicas()).isEqualTo(3);
            assertThat(String.valueOf(t.getSpec().getConfig().get("min.insync.replicas"))).isEqualTo("2");
        });
    }

    @Test
    void eachServicesKafkaUserHasExactlyTheGrantsTheTestBrokerGives() {
        Map<String, List<KafkaGrants.Grant>> grants = KafkaGrants.BY_SERVICE.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(e -> "lems-triage-" + e.getKey(), Map.Entry::getValue));
        assertThat(all(KafkaUser.class)).extracting(u -> u.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(grants.keySet());
        for (KafkaUser user : all(KafkaUser.class)) {
            assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            List<String> acls = ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls().stream()
                    .flatMap(KubernetesManifestsTest::grants).toList();
            assertThat(acls).as(user.getMetadata().getName()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                    grants.get(user.getMetadata().getName()).stream().map(g -> g.type() + " " + g.pattern() + " " + g.name()
                            + " " + g.operation()).toList());
        }
    }

    @Test
    void theConceptMapShippedInTheConfigMapLoadsAsIngestLoadsIt() throws IOException {
        ConfigMap maps = one(ConfigMap.class, "lems-triage-concept-maps");
        Container ingest = podTemplate("lems-triage-ingest").getSpec().getContainers().get(0);
        Path mounted = Path.of(env(ingest, "LEMSTRIAGE_TERMINOLOGY_EXTRA_CONCEPT_MAPS").getValue());
        Path copy = Files.createTempDirectory("concept-maps").resolve(mounted.getFileName());
        Files.writeString(copy, maps.getData().get(mounted.getFileName().toString()));
        AnalyteMap analytes = AnalyteMap.withExtraMaps(List.of(copy));
        assertThat(analytes.map(new CodeableConcept().addCoding(new Coding("https://lab.hospital.example/codes", "VGCCPQ", null))))
                .hasValueSatisfying(m -> assertThat(m.analyte()).isEqualTo(Analyte.VGCC_PQ));
    }

    @Test
    void ingestsHl7v2ListenerIsServedAndReadsItsSendersFileFromTheMountedConfigMap() throws IOException {
        Container ingest = podTemplate("lems-triage-ingest").getSpec().getContainers().get(0);
        assertThat(env(ingest, "LEMSTRIAGE_MLLP_ENABLED").getValue()).isEqualTo("true");
        assertThat(ingest.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("mllp");
            assertThat(p.getContainerPort()).isEqualTo(2575);
        });
        assertThat(one(Service.class, "lems-triage-ingest").getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getPort()).isEqualTo(2575);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("mllp");
        });
        // The file QUARKUS_CONFIG_LOCATIONS names is a key of the ConfigMap mounted at its folder
        Path file = Path.of(env(ingest, "QUARKUS_CONFIG_LOCATIONS").getValue());
        String volume = ingest.getVolumeMounts().stream().filter(m -> Path.of(m.getMountPath()).equals(file.getParent()))
                .findFirst().orElseThrow().getName();
        String configMap = podTemplate("lems-triage-ingest").getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume))
                .findFirst().orElseThrow().getConfigMap().getName();
        String senders = one(ConfigMap.class, configMap).getData().get(file.getFileName().toString());
        java.util.Properties properties = new java.util.Properties();
        properties.load(new java.io.StringReader(senders));
        assertThat(properties.stringPropertyNames()).isNotEmpty().allSatisfy(name -> assertThat(name)
                .matches("lemstriage\\.mllp\\.(local-coding-systems\\.\"[A-Z0-9]+\\|[A-Za-z0-9]+\"|assigning-authorities\\.[A-Z0-9]+)"));
    }

    @Test
    void everyLemsTriageSettingNamesAPropertyTheReadmeDocuments() throws IOException {
        Set<String> documented = new java.util.HashSet<>();
        Matcher property = Pattern.compile("`(lemstriage\\.[a-z0-9.-]+)`").matcher(Manifests.documentation());
        while (property.find()) {
            documented.add(property.group(1).toUpperCase().replaceAll("[.-]", "_"));
        }
        List<String> used = new ArrayList<>();
        for (HasMetadata r : resources) {
            if (r instanceof ConfigMap c && c.getData() != null) {
                used.addAll(c.getData().keySet());
            }
        }
        SERVICES.keySet().forEach(w -> podTemplate(w).getSpec().getContainers().get(0).getEnv().forEach(e -> used.add(e.getName())));
        assertThat(used).filteredOn(name -> name.startsWith("LEMSTRIAGE_")).isNotEmpty()
                .allSatisfy(name -> assertThat(documented).as("README or docs/ documents %s", name).contains(name));
    }

    private static Stream<String> grants(AclRule rule) {
        String resource;
        if (rule.getResource() instanceof AclRuleTopicResource t) {
            resource = "TOPIC " + kafkaPattern(t.getPatternType()) + " " + t.getName();
        } else if (rule.getResource() instanceof AclRuleGroupResource g) {
            resource = "GROUP " + kafkaPattern(g.getPatternType()) + " " + g.getName();
        } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
            resource = "TRANSACTIONAL_ID " + kafkaPattern(x.getPatternType()) + " " + x.getName();
        } else {
            throw new AssertionError("no service needs " + rule.getResource().getType());
        }
        String granted = resource;
        return rule.getOperations().stream().map(op -> granted + " " + op.name());
    }

    private static String kafkaPattern(AclResourcePatternType strimzi) {
        return strimzi == AclResourcePatternType.PREFIX ? "PREFIXED" : "LITERAL";
    }

    private static void assertProbe(Probe probe, String path, String service) {
        assertThat(probe).as(service + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(service).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(service).isEqualTo("http");
    }

    private static Properties applicationProperties(String service) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(ROOT.resolve("services/" + service + "/src/main/resources/application.properties"))));
        return properties;
    }

    private static PodTemplateSpec podTemplate(String name) {
        for (HasMetadata r : resources) {
            if (r instanceof Deployment d && d.getMetadata().getName().equals(name)) {
                return d.getSpec().getTemplate();
            }
            if (r instanceof StatefulSet s && s.getMetadata().getName().equals(name)) {
                return s.getSpec().getTemplate();
            }
        }
        throw new AssertionError("no Deployment or StatefulSet " + name);
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static Set<String> names(Class<? extends HasMetadata> type) {
        return all(type).stream().map(r -> r.getMetadata().getName()).collect(Collectors.toSet());
    }
}
