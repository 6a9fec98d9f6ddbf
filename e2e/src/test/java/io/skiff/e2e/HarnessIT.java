package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The e2e harness itself: kubectl's exit codes, stdin, parsing, waiting and timeouts. */
class HarnessIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  @Test
  void kubectlReachesThisClassesSkiffThroughItsKubeconfig() {
    assertThat(skiff.kubectl().output("get", "--raw", "/readyz")).isEqualTo("ok");
    assertThat(skiff.kubectl().output("config", "view", "--minify", "-o", "jsonpath={..server}"))
        .isEqualTo(skiff.process().baseUrl().toString());
  }

  @Test
  void aServerErrorIsAFailedResultWithKubectlsMessage() {
    Kubectl.Result r =
        skiff.kubectl().run("get", "--raw", "/apis/e2e.skiff.invalid/v1/nothing").assertFailure();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("NotFound");
  }

  @Test
  void stdinReachesKubectlAndJsonAndYamlParse() {
    Kubectl kubectl = skiff.kubectl().withStdin("from stdin");
    String[] secret = {
      "create", "secret", "generic", "s", "--from-file=key=/dev/stdin", "--dry-run=client"
    };

    JsonNode json = kubectl.json(secret);
    JsonNode yaml = kubectl.yaml(secret);

    assertThat(json.at("/data/key").asText())
        .isEqualTo(Base64.getEncoder().encodeToString("from stdin".getBytes()));
    assertThat(yaml).isEqualTo(json);
  }

  @Test
  void awaitPollsUntilTheOutputMatchesAndFailsWithTheLastResult() {
    assertThat(skiff.kubectl().awaitOutput(out -> out.equals("ok"), "get", "--raw", "/livez"))
        .isEqualTo("ok");

    Kubectl impatient = skiff.kubectl().withAwaitTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(
            () -> impatient.awaitOutput(out -> out.equals("never"), "get", "--raw", "/livez"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("waiting for a result")
        .hasMessageContaining("/livez");
  }

  @Test
  void aKubectlThatRunsTooLongIsKilledAndFailsTheTest() {
    // `kubectl proxy` serves until it is killed.
    Kubectl kubectl = skiff.kubectl().withTimeout(Duration.ofSeconds(2));

    assertThatThrownBy(() -> kubectl.run("proxy", "--port=0"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ran longer than PT2S")
        .hasMessageContaining("Starting to serve on 127.0.0.1:");
  }
}
