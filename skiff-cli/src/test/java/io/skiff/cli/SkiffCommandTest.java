package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.controllers.runtime.LeaderElectionConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  private ControllerManagerCommand parseControllerManager(String... args) {
    List<String> all = new ArrayList<>(List.of("controller-manager"));
    all.addAll(List.of(args));
    CommandLine.ParseResult result = skiff().parseArgs(all.toArray(String[]::new));
    return (ControllerManagerCommand) result.subcommand().commandSpec().userObject();
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
    assertThat(up.verbosity.verbose).isTrue();
  }

  @Test
  void upTakesTheControllerManagersNodeMonitorGracePeriod() {
    assertThat(parseUp("up").nodeMonitorGracePeriod.duration()).isEqualTo(Duration.ofSeconds(50));
    assertThat(parseUp("up", "--node-monitor-grace-period=90s").nodeMonitorGracePeriod.duration())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aBadDurationIsAUsageErrorNamingItsFlagInEitherCommand(@TempDir Path dir) {
    assertThat(
            skiff()
                .execute(
                    "up",
                    "--data-dir",
                    dir.toString(),
                    "--port",
                    "0",
                    "--node-monitor-grace-period=soon"))
        .isEqualTo(2);
    assertThat(skiff().execute("controller-manager", "--node-monitor-grace-period=later"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--node-monitor-grace-period: time: invalid duration \"soon\"")
        .contains("--node-monitor-grace-period: time: invalid duration \"later\"");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void upRunsTheControllersUnlessTheyAreDisabled() {
    assertThat(parseUp("up").disableControllerManager).isFalse();
    assertThat(parseUp("up", "--disable-controller-manager").disableControllerManager).isTrue();
  }

  @Test
  void controllerManagerHasKubeControllerManagersDefaults() {
    ControllerManagerCommand cm = parseControllerManager();
    assertThat(cm.kubeconfig)
        .isEqualTo(Path.of(System.getProperty("user.home"), ".skiff", "kubeconfig"));
    assertThat(cm.leaderElect).isTrue();
    LeaderElectionConfig election = cm.leaderElection("host_uuid");
    assertThat(election)
        .isEqualTo(
            new LeaderElectionConfig(
                "kube-system",
                "kube-controller-manager",
                "host_uuid",
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
    assertThat(cm.apiLimit()).contains(new ControllerManagerCommand.ApiLimit(20, 30));
    assertThat(cm.selection().entries()).containsExactly("*");
    assertThat(cm.nodeMonitorGracePeriod.duration()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void controllerManagerTakesEveryFlag() {
    ControllerManagerCommand cm =
        parseControllerManager(
            "--kubeconfig",
            "/tmp/k",
            "--leader-elect=false",
            "--leader-elect-lease-duration=4s",
            "--leader-elect-renew-deadline=3s",
            "--leader-elect-retry-period=500ms",
            "--leader-elect-resource-name=mine",
            "--leader-elect-resource-namespace=ops",
            "--kube-api-qps=50.5",
            "--kube-api-burst=100",
            "--controllers=*,-job,cronjob-controller",
            "--node-monitor-grace-period=1m");
    assertThat(cm.kubeconfig).isEqualTo(Path.of("/tmp/k"));
    assertThat(cm.leaderElect).isFalse();
    assertThat(cm.leaderElection("me"))
        .isEqualTo(
            new LeaderElectionConfig(
                "ops",
                "mine",
                "me",
                Duration.ofSeconds(4),
                Duration.ofSeconds(3),
                Duration.ofMillis(500)));
    assertThat(cm.apiLimit()).contains(new ControllerManagerCommand.ApiLimit(50.5, 100));
    assertThat(cm.selection().entries())
        .containsExactly("*", "-job-controller", "cronjob-controller");
    assertThat(cm.nodeMonitorGracePeriod.duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(parseControllerManager("--leader-elect").leaderElect).isTrue();
  }

  @Test
  void aQpsOfZeroIsClientGosDefaultAndANegativeOneNoLimit() {
    assertThat(parseControllerManager("--kube-api-qps=0", "--kube-api-burst=0").apiLimit())
        .contains(new ControllerManagerCommand.ApiLimit(5, 10));
    assertThat(parseControllerManager("--kube-api-qps=0").apiLimit())
        .contains(new ControllerManagerCommand.ApiLimit(5, 30));
    assertThat(parseControllerManager("--kube-api-qps=-1").apiLimit()).isEmpty();
  }

  @Test
  void controllerManagerRefusesWhatUpstreamRefuses() {
    assertThat(skiff().execute("controller-manager", "--controllers=*,-endpoints-controller"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--controllers: \"endpoints-controller\" is not in the list of known controllers");

    assertThat(skiff().execute("controller-manager", "--kube-api-qps=10", "--kube-api-burst=0"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "burst is required to be greater than 0 when RateLimiter is not set"
                + " and QPS is set to greater than 0");

    assertThat(
            skiff()
                .execute(
                    "controller-manager",
                    "--leader-elect-lease-duration=5s",
                    "--leader-elect-renew-deadline=5s"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("leaseDuration must be greater than renewDeadline");

    assertThat(skiff().execute("controller-manager", "--leader-elect-resource-lock=endpoints"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("resourceLock value must be \"leases\"");

    assertThat(skiff().execute("controller-manager", "--leader-elect-retry-period=soon"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--leader-elect-retry-period: time: invalid duration \"soon\"");
  }

  @Test
  void controllerManagerWithoutAKubeconfigExitsWithOneLine(@TempDir Path dir) {
    Path missing = dir.resolve("kubeconfig");
    assertThat(skiff().execute("controller-manager", "--kubeconfig", missing.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).startsWith("skiff: cannot read kubeconfig " + missing);
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
    assertThat(err.toString())
        .contains("Missing required subcommand")
        .contains("up")
        .contains("controller-manager");
  }

  @Test
  void versionNamesSkiffAndKubernetes() {
    assertThat(skiff().execute("version")).isZero();
    assertThat(out.toString()).startsWith("skiff ").contains("Kubernetes v1.33.0-skiff");
  }
}
