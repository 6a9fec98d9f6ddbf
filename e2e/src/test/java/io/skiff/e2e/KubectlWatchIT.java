package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl get -w}: the table's rows stream in as objects change, until kubectl is stopped.
 */
class KubectlWatchIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  @ForEachKubectl
  void getWatchStreamsChanges(String version) throws IOException, InterruptedException {
    Kubectl kubectl = skiff.kubectl(version);
    String name = "watched-" + version.replace(".", "-");
    Path out = Files.createTempFile(skiff.process().dataDir(), "watch-", ".txt");
    Process watch =
        new ProcessBuilder(
                List.of(
                    kubectl.binary().toString(),
                    "--kubeconfig",
                    skiff.process().kubeconfig().toString(),
                    "get",
                    "configmaps",
                    "--watch",
                    "--field-selector",
                    "metadata.name=" + name))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      kubectl.run("create", "configmap", name, "--from-literal=a=1").assertSuccess();
      await().atMost(Duration.ofSeconds(30)).until(() -> read(out).contains(name));
      assertThat(read(out).lines().findFirst().orElseThrow()).matches("NAME\\s+DATA\\s+AGE");

      kubectl.run("label", "configmap", name, "step=two").assertSuccess();
      kubectl.run("delete", "configmap", name).assertSuccess();
      // Created, labelled and deleted: one row each (kubectl prints the deletion as a row too).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> read(out).lines().filter(l -> l.startsWith(name)).count() >= 3);
      assertThat(watch.isAlive()).as("kubectl is still watching").isTrue();
    } finally {
      watch.toHandle().destroyForcibly();
      watch.waitFor();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
