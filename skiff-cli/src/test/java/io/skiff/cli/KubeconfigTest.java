package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  @Test
  void rendersAKubectlConfigForTheServer() throws Exception {
    JsonNode config = yaml.readTree(Kubeconfig.render(URI.create("http://127.0.0.1:6443")));

    assertThat(config.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(config.path("kind").asText()).isEqualTo("Config");
    assertThat(config.path("current-context").asText()).isEqualTo("skiff");

    JsonNode cluster = config.path("clusters").get(0);
    assertThat(config.path("clusters")).hasSize(1);
    assertThat(cluster.path("name").asText()).isEqualTo("skiff");
    assertThat(cluster.path("cluster").path("server").asText()).isEqualTo("http://127.0.0.1:6443");

    JsonNode user = config.path("users").get(0);
    assertThat(config.path("users")).hasSize(1);
    assertThat(user.path("name").asText()).isEqualTo("skiff-admin");
    assertThat(user.path("user").isObject()).isTrue();

    JsonNode context = config.path("contexts").get(0);
    assertThat(config.path("contexts")).hasSize(1);
    assertThat(context.path("name").asText()).isEqualTo("skiff");
    assertThat(context.path("context").path("cluster").asText()).isEqualTo("skiff");
    assertThat(context.path("context").path("user").asText()).isEqualTo("skiff-admin");
  }

  @Test
  void writeCreatesParentsAndIsPrivate(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("a/b/kubeconfig");

    Kubeconfig.writeAtomically(file, "one\n");

    assertThat(file).hasContent("one");
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void writeReplacesTheFileAndLeavesNoTemporaryBehind(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("kubeconfig");
    Files.writeString(file, "old\n");

    Kubeconfig.writeAtomically(file, "new\n");

    assertThat(file).hasContent("new");
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files).containsExactly(file);
    }
  }
}
