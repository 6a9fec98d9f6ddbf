package io.skiff.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.openapi.OpenApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kubectl binaries against {@link Discovery} behind a loopback HTTP server: {@code
 * api-resources} through aggregated and through legacy discovery, and {@code explain}, which needs
 * the OpenAPI documents (v2 protobuf eagerly in 1.27/1.28, v3 for the text). Skipped where kubectl
 * is not installed, unless {@code CI=true}.
 */
class KubectlDiscoveryIT {

  private static final String SDK = "/usr/lib/google-cloud-sdk/bin/";
  private static final String STRATEGY_TYPE =
      "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\".";

  private static DiscoveryHttpServer server;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ResourceRegistry registry = ResourceRegistry.builtin();
    server =
        new DiscoveryHttpServer(
            new Discovery(registry, new OpenApi(registry, mapper, "v1.33.1"), mapper));
    Files.writeString(
        dir.resolve("kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: skiff
          cluster:
            server: %s
        contexts:
        - name: skiff
          context:
            cluster: skiff
            user: skiff
        current-context: skiff
        users:
        - name: skiff
          user: {}
        """
            .formatted(server.url()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        SDK + "kubectl.1.27",
        SDK + "kubectl.1.28",
        SDK + "kubectl.1.29",
        SDK + "kubectl.1.30",
        SDK + "kubectl.1.31",
        SDK + "kubectl.1.32",
        SDK + "kubectl.1.33",
        "/usr/bin/kubectl"
      })
  void apiResourcesAndExplainWork(String kubectl) throws Exception {
    requireExecutable(kubectl);
    for (boolean legacy : new boolean[] {false, true}) {
      server.legacyOnly(legacy);
      server.clearExchanges();
      String out = run(kubectl, "api-resources");
      String form = legacy ? "legacy" : "aggregated";
      assertThat(out)
          .as("%s api-resources (%s discovery)", kubectl, form)
          .containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment$")
          .containsPattern("(?m)^pods\\s+po\\s+v1\\s+true\\s+Pod$")
          .containsPattern("(?m)^namespaces\\s+ns\\s+v1\\s+false\\s+Namespace$")
          .containsPattern(
              "(?m)^poddisruptionbudgets\\s+pdb\\s+policy/v1\\s+true\\s+PodDisruptionBudget$")
          .containsPattern("(?m)^leases\\s+coordination.k8s.io/v1\\s+true\\s+Lease$")
          .doesNotContainPattern("(?m)^deployments/");
      List<String> resourceLists =
          server.exchanges().stream()
              .map(DiscoveryHttpServer.Exchange::path)
              .filter(p -> p.startsWith("/api/") || p.startsWith("/apis/"))
              .toList();
      // Aggregated discovery needs no per-group requests; the legacy form needs all of them.
      if (legacy) {
        assertThat(resourceLists).contains("/api/v1", "/apis/apps/v1", "/apis/batch/v1");
      } else {
        assertThat(resourceLists).isEmpty();
        assertThat(server.exchanges())
            .filteredOn(e -> e.path().equals("/apis"))
            .allSatisfy(e -> assertThat(e.contentType()).contains("as=APIGroupDiscoveryList"));
      }
    }
    server.legacyOnly(false);
    String explained = run(kubectl, "explain", "deployment.spec.strategy");
    assertThat(explained.replaceAll("\\s+", " "))
        .as("%s explain", kubectl)
        .contains("DeploymentStrategy")
        .contains(STRATEGY_TYPE);
  }

  /**
   * A second run with the same cache directory revalidates what kubectl's HTTP cache holds: the
   * ETags must give 304s that kubectl accepts, and the same output.
   */
  @ParameterizedTest
  @ValueSource(strings = {SDK + "kubectl.1.27", SDK + "kubectl.1.33"})
  void secondRunRevalidatesKubectlsCache(String kubectl) throws Exception {
    requireExecutable(kubectl);
    Path cache = Files.createTempDirectory(dir, "shared");
    List<String> first = List.of(runIn(cache, kubectl, "api-resources"), explain(cache, kubectl));
    server.clearExchanges();
    List<String> second = List.of(runIn(cache, kubectl, "api-resources"), explain(cache, kubectl));
    assertThat(second).isEqualTo(first);
    assertThat(server.exchanges())
        .filteredOn(e -> e.status() == 304)
        .extracting(DiscoveryHttpServer.Exchange::path)
        .contains("/api", "/apis", "/openapi/v3", "/openapi/v3/apis/apps/v1");
  }

  private static String explain(Path cache, String kubectl) throws Exception {
    return runIn(cache, kubectl, "explain", "deployment.spec.strategy");
  }

  private static void requireExecutable(String kubectl) {
    if (!Files.isExecutable(Path.of(kubectl))) {
      if ("true".equals(System.getenv("CI"))) {
        fail(kubectl + " is missing");
      }
      Assumptions.abort(kubectl + " is not installed");
    }
  }

  /** Runs kubectl with a fresh cache, so every run really asks the server. */
  private static String run(String kubectl, String... args) throws Exception {
    return runIn(Files.createTempDirectory(dir, "run"), kubectl, args);
  }

  /** Runs kubectl with its home and cache in {@code work}. */
  private static String runIn(Path work, String kubectl, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(kubectl);
    command.add("--kubeconfig=" + dir.resolve("kubeconfig"));
    command.add("--cache-dir=" + work.resolve("cache"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("HOME", work.toString());
    pb.environment().remove("KUBECONFIG");
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " timed out");
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue())
        .as("%s failed:%n%s%n%s%nrequests: %s", command, stdout, stderr, server.exchanges())
        .isZero();
    return stdout;
  }
}
