package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Skiff comes back on the same data directory after a crash or a stop. */
class RestartIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  @Test
  void afterSigkillItStartsAgainOnTheSameDataDirectory() throws Exception {
    SkiffProcess process = skiff.process();
    long firstPid = process.pid();
    assertThat(process.stdout())
        .contains("(store: sqlite " + process.dataDir().resolve("skiff.db") + ";");

    assertThat(process.kill()).as("exit code after SIGKILL").isEqualTo(128 + 9);
    assertThat(process.stdout()).doesNotContain("skiff: stopped");

    process.start();

    assertThat(process.pid()).isNotEqualTo(firstPid);
    assertThat(process.get("/readyz").statusCode()).isEqualTo(200);
    assertThat(skiff.kubectl().json("version").at("/serverVersion/gitVersion").asText())
        .isEqualTo("v1.33.0-skiff");
  }

  @Test
  void afterSigtermItStopsCleanlyAndStartsAgain() throws Exception {
    SkiffProcess process = skiff.process();

    assertThat(process.stop()).as("exit code after SIGTERM").isZero();
    assertThat(process.stdout()).contains("skiff: stopped");

    process.start();

    assertThat(process.get("/readyz").statusCode()).isEqualTo(200);
    assertThat(skiff.kubectl().output("get", "--raw", "/readyz")).isEqualTo("ok");
  }
}
