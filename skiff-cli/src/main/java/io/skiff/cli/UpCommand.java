package io.skiff.cli;

import io.skiff.apiserver.registry.DefaultTolerationSeconds;
import io.skiff.clock.Clock;
import io.skiff.node.ImageCatalog;
import io.skiff.node.NodeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code skiff up}: runs Skiff in the foreground until SIGTERM or Ctrl-C. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    versionProvider = Skiff.VersionProvider.class,
    sortOptions = false,
    description = {
      "Start Skiff in the foreground and write a kubeconfig for kubectl.",
      "Stops cleanly on SIGTERM or Ctrl-C."
    })
final class UpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${sys:user.home}/.skiff",
      description =
          "Where Skiff keeps its state, lock, certificates and kubeconfig. Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "6443",
      description = "HTTPS port of the API server on 127.0.0.1 (0 picks a free one). Default: 6443")
  int port;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Simulated nodes registered at start (nodes created with kubectl are simulated too)."
              + " Default: 3")
  int nodes;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Where to write the kubeconfig (replaced if present). Default: DIR/kubeconfig")
  Path kubeconfig;

  @Option(
      names = "--store",
      paramLabel = "KIND",
      defaultValue = "sqlite",
      description =
          "sqlite: durable, in DIR/skiff.db; memory: nothing survives a restart. Default: sqlite")
  Instance.StoreKind store;

  @Option(
      names = "--node-cpu",
      paramLabel = "QTY",
      defaultValue = "4",
      description = "CPU capacity of each simulated node. Default: 4")
  String nodeCpu;

  @Option(
      names = "--node-memory",
      paramLabel = "QTY",
      defaultValue = "16Gi",
      description = "Memory capacity of each simulated node. Default: 16Gi")
  String nodeMemory;

  @Option(
      names = "--node-max-pods",
      paramLabel = "N",
      defaultValue = "110",
      description = "Pods capacity of each simulated node. Default: 110")
  int nodeMaxPods;

  @Option(
      names = "--image-pull-time",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "How long a simulated image pull takes (Go duration). Default: 1s")
  String imagePullTime;

  @Option(
      names = "--pod-start-delay",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description = "Extra time before a pulled container runs. Default: 0s")
  String podStartDelay;

  @Option(
      names = "--job-run-time",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description = "How long the pods of Jobs run before they succeed. Default: 5s")
  String jobRunTime;

  @Option(
      names = "--pod-shutdown-time",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "How long containers take to stop when a pod is deleted. Default: 1s")
  String podShutdownTime;

  @Option(
      names = "--image-catalog",
      paramLabel = "FILE",
      description =
          "Repositories and tags that exist, added to or overriding the built-in catalog"
              + " (format: docs/simulation.md).")
  Path imageCatalog;

  @Mixin Flags.NodeMonitorGracePeriod nodeMonitorGracePeriod;

  @Option(
      names = "--default-not-ready-toleration-seconds",
      paramLabel = "S",
      defaultValue = "300",
      description = "Toleration pods get for the not-ready NoExecute taint. Default: 300")
  long notReadyTolerationSeconds;

  @Option(
      names = "--default-unreachable-toleration-seconds",
      paramLabel = "S",
      defaultValue = "300",
      description = "Toleration pods get for the unreachable NoExecute taint. Default: 300")
  long unreachableTolerationSeconds;

  @Option(
      names = "--disable-controller-manager",
      description =
          "Run no controllers here: the scheduler and nodes stay, the controllers run in"
              + " `skiff controller-manager` processes against the kubeconfig.")
  boolean disableControllerManager;

  @Mixin Flags.Verbose verbosity;

  /** Used by ./skiff once after each build, to record the class-data archive. */
  @Option(
      names = "--exit-when-ready",
      hidden = true,
      description = "Request the own endpoints once ready, then stop.")
  boolean exitWhenReady;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535");
    }
    if (nodes < 0) {
      throw new ParameterException(spec.commandLine(), "--nodes must not be negative");
    }
    verbosity.applyToLogging();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = Clock.system();
    Instance instance =
        new Instance(
            new Instance.Config(
                dataDir,
                port,
                nodes,
                kubeconfig,
                store,
                nodeOptions(),
                tolerations(),
                nodeMonitorGracePeriod.duration(),
                !disableControllerManager),
            clock);
    AtomicBoolean serving = new AtomicBoolean();
    // Registered before start so that a signal during start-up still releases what was opened.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> Shutdown.run(clock, instance::close, serving, out, err), "skiff-shutdown"));
    try {
      instance.start();
    } catch (StartupException e) {
      err.println("skiff: " + e.getMessage());
      if (verbosity.verbose && e.getCause() != null) {
        e.getCause().printStackTrace(err);
      }
      err.flush();
      return 1;
    }
    serving.set(true);
    Instant readyAt = clock.now();
    long ms = Duration.between(LaunchTime.get(), readyAt).toMillis();
    out.println(
        "skiff: ready on "
            + instance.url()
            + " in "
            + ms
            + " ms (store: "
            + instance.storeDescription()
            + "; kubeconfig: "
            + instance.config().kubeconfig()
            + ")");
    if (disableControllerManager) {
      out.println(
          "skiff: no controllers run here; start them with `skiff controller-manager --kubeconfig "
              + instance.config().kubeconfig()
              + "`");
    }
    out.flush();
    if (exitWhenReady) {
      serving.set(false);
      return selfCheckAndStop(instance, err);
    }
    // Runs until a signal: the shutdown hook ends the process.
    new CountDownLatch(1).await();
    return 0;
  }

  /** The simulated nodes as the flags describe them. */
  private NodeOptions nodeOptions() {
    NodeOptions o;
    try {
      o =
          NodeOptions.defaults()
              .withCapacity(nodeCpu, nodeMemory, nodeMaxPods)
              .withTimings(
                  Flags.duration(spec, "--image-pull-time", imagePullTime),
                  Flags.duration(spec, "--pod-start-delay", podStartDelay),
                  NodeOptions.defaults().initContainerRunTime(),
                  Flags.duration(spec, "--job-run-time", jobRunTime),
                  Flags.duration(spec, "--pod-shutdown-time", podShutdownTime));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (imageCatalog != null) {
      try {
        o = o.withImageCatalog(ImageCatalog.builtin().withFile(imageCatalog));
      } catch (IOException | RuntimeException e) {
        throw new ParameterException(
            spec.commandLine(), "--image-catalog " + imageCatalog + ": " + e.getMessage());
      }
    }
    return o;
  }

  private DefaultTolerationSeconds tolerations() {
    try {
      return new DefaultTolerationSeconds(notReadyTolerationSeconds, unreachableTolerationSeconds);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static int selfCheckAndStop(Instance instance, PrintWriter err) {
    int status = 0;
    try {
      SelfCheck.run(instance.url(), instance.certificateAuthority(), instance.adminToken());
    } catch (IOException e) {
      err.println("skiff: self-check failed: " + e.getMessage());
      err.flush();
      status = 1;
    }
    instance.close();
    return status;
  }
}
