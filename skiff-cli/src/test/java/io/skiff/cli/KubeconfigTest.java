package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.skiff.apiserver.auth.Pki;
import io.skiff.client.transport.ClientConfig;
import io.skiff.clock.ManualClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  private static final String CA =
      "-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n";

  @Test
  void rendersAKubectlConfigForTheServer() throws Exception {
    JsonNode config =
        yaml.readTree(Kubeconfig.render(URI.create("https://127.0.0.1:6443"), CA, "t0ken"));

    assertThat(config.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(config.path("kind").asText()).isEqualTo("Config");
    assertThat(config.path("current-context").asText()).isEqualTo("skiff");

    JsonNode cluster = config.path("clusters").get(0);
    assertThat(config.path("clusters")).hasSize(1);
    assertThat(cluster.path("name").asText()).isEqualTo("skiff");
    assertThat(cluster.path("cluster").path("server").asText()).isEqualTo("https://127.0.0.1:6443");
    assertThat(
            new String(
                Base64.getDecoder()
                    .decode(cluster.path("cluster").path("certificate-authority-data").asText()),
                StandardCharsets.US_ASCII))
        .isEqualTo(CA);

    JsonNode user = config.path("users").get(0);
    assertThat(config.path("users")).hasSize(1);
    assertThat(user.path("name").asText()).isEqualTo("skiff-admin");
    assertThat(user.path("user").path("token").asText()).isEqualTo("t0ken");

    JsonNode context = config.path("contexts").get(0);
    assertThat(config.path("contexts")).hasSize(1);
    assertThat(context.path("name").asText()).isEqualTo("skiff");
    assertThat(context.path("context").path("cluster").asText()).isEqualTo("skiff");
    assertThat(context.path("context").path("user").asText()).isEqualTo("skiff-admin");
  }

  @Test
  void aTokenWithQuotesOrBackslashesSurvivesTheYaml() throws Exception {
    String token = "a\"b\\c'd";
    JsonNode config =
        yaml.readTree(Kubeconfig.render(URI.create("https://127.0.0.1:6443"), CA, token));

    assertThat(config.path("users").get(0).path("user").path("token").asText()).isEqualTo(token);
  }

  @Test
  void theSkiffClientReadsWhatIsWritten(@TempDir Path tmp) throws Exception {
    Pki pki = Pki.loadOrCreate(tmp.resolve("pki"), new ManualClock());
    Path file = tmp.resolve("kubeconfig");
    URI server = URI.create("https://127.0.0.1:12345");
    Kubeconfig.writeAtomically(
        file, Kubeconfig.render(server, pki.certificateAuthorityPem(), "the-token"));

    ClientConfig client = ClientConfig.fromKubeconfig(file);

    assertThat(client.server()).isEqualTo(server);
    assertThat(client.certificateAuthorities()).containsExactly(pki.certificateAuthority());
    assertThat(client.bearerToken()).isEqualTo("the-token");
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
