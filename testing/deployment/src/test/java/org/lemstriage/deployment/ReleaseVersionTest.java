package org.lemstriage.deployment;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What main builds is a release, not a SNAPSHOT, and every image of lems-triage that users run names that version:
 * compose's default tag, the Kubernetes base and the example overlay (the image build script and the local stack read
 * it from the root pom).
 */
class ReleaseVersionTest {
    private static final Path ROOT = Manifests.repositoryRoot();
    private static final String VERSION = System.getProperty("lemstriage.project.version");
    private static final Pattern OUR_IMAGE = Pattern.compile("lems-triage/(ingest|classifier|notifier|read-side):([^\\s\"'}]+)");

    @Test
    void theVersionIsARelease() {
        assertThat(VERSION).as("the project version Maven builds").isNotBlank().matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void everyImageOfOursThatUsersRunNamesTheVersion() throws IOException {
        List<String> tags = new ArrayList<>();
        Matcher compose = Pattern.compile("\\}(ingest|classifier|notifier|read-side):\\$\\{LT_IMAGE_TAG:-([^}]+)}")
                .matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
        while (compose.find()) {
            tags.add("docker-compose.yml " + compose.group(1) + ":" + compose.group(2));
        }
        try (var base = Files.list(ROOT.resolve("deploy/kubernetes/base"))) {
            for (Path manifest : base.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Matcher image = OUR_IMAGE.matcher(Files.readString(manifest));
                while (image.find()) {
                    tags.add(manifest.getFileName() + " " + image.group(1) + ":" + image.group(2));
                }
            }
        }
        Matcher overlay = Pattern.compile("newTag: (\\S+)")
                .matcher(Files.readString(ROOT.resolve("deploy/kubernetes/overlays/example-hospital/kustomization.yaml")));
        while (overlay.find()) {
            tags.add("example-hospital overlay :" + overlay.group(1));
        }
        assertThat(tags).hasSize(12).allSatisfy(tag -> assertThat(tag).endsWith(":" + VERSION));
    }
}
