package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How kubectl reaches Skiff: HTTPS verified against the CA in the kubeconfig, HTTP/2, and the
 * admin's bearer token; and what a client without them gets.
 */
class SecureAccessIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  private static final String UNAUTHORIZED =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";

  @ForEachKubectl
  void kubectlVerifiesTheServerAndNegotiatesHttp2(String version) {
    // Go's HTTP/2 transport logs its frames when asked to: proof of the protocol in use.
    Kubectl.Result r =
        skiff.kubectl(version).withEnv("GODEBUG", "http2debug=1").run("get", "--raw", "/api");

    r.assertSuccess();
    assertThat(r.stdout()).contains("\"kind\":\"APIVersions\"");
    assertThat(r.stderr())
        .contains("http2: Transport creating client conn")
        .contains("MAX_CONCURRENT_STREAMS=250")
        .contains("http2: Transport received HEADERS");
  }

  @ForEachKubectl
  void aWrongTokenIsUnauthorized(String version) throws IOException {
    Path kubeconfig = variant("wrong-token-" + version, k -> user(k).put("token", "not-it"));

    // Discovery is refused first, as kube-apiserver refuses it.
    Kubectl.Result cold =
        kubectl(version, kubeconfig, "cold-" + version).run("get", "namespaces").assertFailure();
    assertThat(cold.stderr()).contains("error: You must be logged in to the server (");

    // With discovery cached, the 401 of the request itself: client-go reads its Status.
    skiff.kubectl(version).run("get", "namespaces").assertSuccess();
    Kubectl.Result warm =
        Kubectl.of(version, kubeconfig, skiff.process().dataDir().resolve("kubectl-cache"))
            .run("get", "namespaces")
            .assertFailure();
    assertThat(warm.stderr()).contains("error: You must be logged in to the server (Unauthorized)");
  }

  @ForEachKubectl
  void withoutTheCaKubectlDoesNotTrustTheServer(String version) throws IOException {
    Path kubeconfig =
        variant("no-ca-" + version, k -> cluster(k).remove("certificate-authority-data"));

    Kubectl.Result r =
        kubectl(version, kubeconfig, "no-ca-" + version).run("get", "namespaces").assertFailure();

    assertThat(r.stderr()).contains("x509: certificate signed by unknown authority");
  }

  @Test
  void anonymousRequestsSeeHealthAndVersionOnly() throws Exception {
    SkiffProcess process = skiff.process();
    for (String path : List.of("/livez", "/readyz", "/healthz", "/version")) {
      assertThat(process.getAnonymously(path).statusCode()).as(path).isEqualTo(200);
    }
    for (String path : List.of("/api", "/apis/apps/v1/deployments", "/openapi/v2")) {
      HttpResponse<String> r = process.getAnonymously(path);

      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).as(path).isEqualTo(UNAUTHORIZED);
    }
    assertThat(process.get("/api").statusCode()).isEqualTo(200);
  }

  @Test
  void theCaAndTheTokenSurviveARestart() throws Exception {
    SkiffProcess process = skiff.process();
    byte[] ca = Files.readAllBytes(process.caFile());
    JsonNode before = Kubectl.YAML.readTree(process.kubeconfig().toFile());

    process.restart();

    assertThat(process.caFile()).hasBinaryContent(ca);
    JsonNode after = Kubectl.YAML.readTree(process.kubeconfig().toFile());
    assertThat(cluster(after).path("certificate-authority-data"))
        .isEqualTo(cluster(before).path("certificate-authority-data"));
    assertThat(user(after).path("token")).isEqualTo(user(before).path("token"));
    assertThat(skiff.kubectl().output("get", "--raw", "/readyz")).isEqualTo("ok");
  }

  /** A copy of the kubeconfig, changed by {@code edit}, in the data directory. */
  private static Path variant(String name, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    ObjectNode kubeconfig =
        (ObjectNode) Kubectl.YAML.readTree(skiff.process().kubeconfig().toFile());
    edit.accept(kubeconfig);
    Path file = skiff.process().dataDir().resolve("kubeconfig-" + name);
    Kubectl.YAML.writeValue(file.toFile(), kubeconfig);
    return file;
  }

  /** kubectl on another kubeconfig, with a discovery cache of its own named {@code cache}. */
  private static Kubectl kubectl(String version, Path kubeconfig, String cache) {
    return Kubectl.of(version, kubeconfig, skiff.process().dataDir().resolve("cache-" + cache));
  }

  private static ObjectNode cluster(JsonNode kubeconfig) {
    return (ObjectNode) kubeconfig.path("clusters").get(0).path("cluster");
  }

  private static ObjectNode user(JsonNode kubeconfig) {
    return (ObjectNode) kubeconfig.path("users").get(0).path("user");
  }
}
