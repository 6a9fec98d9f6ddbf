package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SkiffCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine skiff() {
    return Skiff.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
  }

  private UpCommand parseUp(String... args) {
    CommandLine.ParseResult result = skiff().parseArgs(args);
    return (UpCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void upHasTheDocumentedDefaults() {
    UpCommand up = parseUp("up");
    assertThat(up.dataDir).isEqualTo(Path.of(System.getProperty("user.home"), ".skiff"));
    assertThat(up.port).isEqualTo(6443);
    assertThat(up.nodes).isEqualTo(3);
    assertThat(up.kubeconfig).isNull();
    assertThat(up.store).isEqualTo(Instance.StoreKind.SQLITE);
    Instance.Config config =
        new Instance.Config(up.dataDir, up.port, up.nodes, up.kubeconfig, up.store);
    assertThat(config.kubeconfig()).isEqualTo(up.dataDir.resolve("kubeconfig"));
    assertThat(config.dbFile()).isEqualTo(up.dataDir.resolve("skiff.db"));
  }

  @Test
  void upTakesEveryOption() {
    UpCommand up =
        parseUp(
            "up",
            "--data-dir",
            "/tmp/x",
            "--port",
            "7443",
            "--nodes",
            "5",
            "--kubeconfig",
            "/tmp/k",
            "--store",
            "memory",
            "--verbose");
    assertThat(up.dataDir).isEqualTo(Path.of("/tmp/x"));
    assertThat(up.port).isEqualTo(7443);
    assertThat(up.nodes).isEqualTo(5);
    assertThat(up.kubeconfig).isEqualTo(Path.of("/tmp/k"));
    assertThat(up.store).isEqualTo(Instance.StoreKind.MEMORY);
    assertThat(up.verbose).isTrue();
  }

  @Test
  void anUnknownStoreIsAUsageError() {
    assertThat(skiff().execute("up", "--store", "etcd")).isEqualTo(2);
    assertThat(err.toString()).contains("--store");
  }

  @Test
  void aPortOutOfRangeIsAUsageError() {
    assertThat(skiff().execute("up", "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--port must be between 0 and 65535");
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(skiff().execute()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand").contains("up");
  }

  @Test
  void versionNamesSkiffAndKubernetes() {
    assertThat(skiff().execute("version")).isZero();
    assertThat(out.toString()).startsWith("skiff ").contains("Kubernetes v1.33.0-skiff");
  }
}
