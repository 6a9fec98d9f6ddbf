package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Skiff comes back on the same data directory after a crash or a stop, with every object that was
 * acknowledged before it.
 */
class RestartIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  @Test
  void afterSigkillItStartsAgainOnTheSameDataDirectory() throws Exception {
    SkiffProcess process = skiff.process();
    long firstPid = process.pid();
    assertThat(process.stdout())
        .contains("(store: sqlite " + process.dataDir().resolve("skiff.db") + ";");
    Kubectl kubectl = skiff.kubectl();
    for (int i = 0; i < 5; i++) {
      kubectl
          .run("create", "configmap", "before-crash-" + i, "--from-literal=n=" + i)
          .assertSuccess();
    }
    kubectl.run("label", "configmap", "before-crash-4", "last=write").assertSuccess();

    assertThat(process.kill()).as("exit code after SIGKILL").isEqualTo(128 + 9);
    assertThat(process.stdout()).doesNotContain("skiff: stopped");

    process.start();

    assertThat(process.pid()).isNotEqualTo(firstPid);
    assertThat(process.getAnonymously("/readyz").statusCode()).isEqualTo(200);
    assertThat(skiff.kubectl().json("version").at("/serverVersion/gitVersion").asText())
        .isEqualTo("v1.33.0-skiff");
    // Every write kubectl saw acknowledged is there, intact, including the last one.
    for (int i = 0; i < 5; i++) {
      assertThat(
              kubectl.output("get", "configmap", "before-crash-" + i, "-o", "jsonpath={.data.n}"))
          .isEqualTo(String.valueOf(i));
    }
    assertThat(
            kubectl.output(
                "get", "configmap", "before-crash-4", "-o", "jsonpath={.metadata.labels.last}"))
        .isEqualTo("write");
  }

  @Test
  void afterSigtermItStopsCleanlyAndStartsAgain() throws Exception {
    SkiffProcess process = skiff.process();

    assertThat(process.stop()).as("exit code after SIGTERM").isZero();
    assertThat(process.stdout()).contains("skiff: stopped");

    process.start();

    assertThat(process.getAnonymously("/readyz").statusCode()).isEqualTo(200);
    assertThat(skiff.kubectl().output("get", "--raw", "/readyz")).isEqualTo("ok");
  }
}
