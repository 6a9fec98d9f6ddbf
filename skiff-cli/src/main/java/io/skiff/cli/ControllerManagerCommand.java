package io.skiff.cli;

import io.skiff.client.KubeClient;
import io.skiff.client.transport.ClientConfig;
import io.skiff.client.transport.HttpTransport;
import io.skiff.client.transport.RateLimitedTransport;
import io.skiff.client.transport.Transport;
import io.skiff.clock.Clock;
import io.skiff.controllers.Controllers;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.controllers.runtime.ControllerSelection;
import io.skiff.controllers.runtime.LeaderElectionConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code skiff controller-manager}: the controllers of {@code skiff up} in a process of their own,
 * over HTTPS to the API server of a kubeconfig, as kube-controller-manager runs: with its flags,
 * leader election on a Lease (so that several may run and one works), a client per controller with
 * client-go's rate limit, and an exit when the lease is lost.
 */
@Command(
    name = "controller-manager",
    mixinStandardHelpOptions = true,
    versionProvider = Skiff.VersionProvider.class,
    sortOptions = false,
    description = {
      "Run the controllers against the API server of a kubeconfig, as kube-controller-manager.",
      "With leader election (the default) only the holder of the Lease runs them; it exits"
          + " with status 1 if it loses the Lease. Stops cleanly on SIGTERM or Ctrl-C."
    })
final class ControllerManagerCommand implements Callable<Integer> {

  /** What kube-controller-manager calls the client of the shared informers. */
  static final String INFORMERS_CLIENT = "shared-informers";

  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      defaultValue = "${sys:user.home}/.skiff/kubeconfig",
      description =
          "The API server, its CA and the token to use (what `skiff up` writes)."
              + " Default: ${DEFAULT-VALUE}")
  Path kubeconfig;

  @Option(
      names = "--controllers",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "*",
      description = {
        "Controllers to run: '*' all, 'foo' the controller named foo, '-foo' not foo."
            + " Default: *",
        "Known: ${COMPLETION-CANDIDATES}"
      },
      completionCandidates = KnownControllers.class)
  List<String> controllers;

  @Option(
      names = "--leader-elect",
      paramLabel = "BOOL",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description = "Run the controllers only while holding the leader Lease. Default: true")
  boolean leaderElect;

  @Option(
      names = "--leader-elect-lease-duration",
      paramLabel = "DURATION",
      defaultValue = "15s",
      description = "How long others wait after the last renewal to take over. Default: 15s")
  String leaseDuration;

  @Option(
      names = "--leader-elect-renew-deadline",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long the leader retries a renewal before it stops leading. Default: 10s")
  String renewDeadline;

  @Option(
      names = "--leader-elect-retry-period",
      paramLabel = "DURATION",
      defaultValue = "2s",
      description = "How often candidates try to acquire and the leader renews. Default: 2s")
  String retryPeriod;

  @Option(
      names = "--leader-elect-resource-lock",
      paramLabel = "KIND",
      defaultValue = "leases",
      description = "The kind of the lock object; only leases. Default: leases")
  String resourceLock;

  @Option(
      names = "--leader-elect-resource-name",
      paramLabel = "NAME",
      defaultValue = "kube-controller-manager",
      description = "The name of the Lease. Default: kube-controller-manager")
  String resourceName;

  @Option(
      names = "--leader-elect-resource-namespace",
      paramLabel = "NS",
      defaultValue = "kube-system",
      description = "The namespace of the Lease. Default: kube-system")
  String resourceNamespace;

  @Option(
      names = "--kube-api-qps",
      paramLabel = "QPS",
      defaultValue = "20",
      description =
          "Requests a second each controller may send (client-go's QPS; 0: client-go's 5,"
              + " negative: no limit). Default: 20")
  float kubeApiQps;

  @Option(
      names = "--kube-api-burst",
      paramLabel = "N",
      defaultValue = "30",
      description = "Requests each controller may send at once. Default: 30")
  int kubeApiBurst;

  @Mixin Flags.NodeMonitorGracePeriod nodeMonitorGracePeriod;

  @Mixin Flags.Verbose verbosity;

  /** The names {@code --controllers} takes, for the help. */
  static final class KnownControllers implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Controllers.NAMES.iterator();
    }
  }

  /** client-go's QPS/Burst as a rest.Config holds them. */
  record ApiLimit(double qps, int burst) {}

  @Override
  public Integer call() throws InterruptedException {
    ControllerSelection selection = selection();
    Optional<ApiLimit> limit = apiLimit();
    Duration grace = nodeMonitorGracePeriod.duration();
    String identity = LeaderElectionConfig.defaultIdentity();
    LeaderElectionConfig election = leaderElect ? leaderElection(identity) : null;
    verbosity.applyToLogging();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ClientConfig config;
    try {
      config = ClientConfig.fromKubeconfig(kubeconfig);
    } catch (IOException e) {
      err.println("skiff: " + e.getMessage());
      err.flush();
      return 1;
    }
    Clock clock = Clock.system();
    HttpTransport http = HttpTransport.builder(config).build();
    Function<String, KubeClient> clients = name -> KubeClient.over(limited(http, clock, limit));
    ControllerManager manager =
        Controllers.selected(
            ControllerContext.builder(clients.apply(INFORMERS_CLIENT), clock)
                .clients(clients)
                .build(),
            grace,
            selection);
    AtomicBoolean serving = new AtomicBoolean(true);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    Shutdown.run(
                        clock,
                        () -> {
                          // A leader gives up its lease, so that another takes over at once.
                          manager.close();
                          http.close();
                        },
                        serving,
                        out,
                        err),
                "skiff-controller-manager-shutdown"));
    out.println(
        "skiff: controller-manager "
            + identity
            + " for "
            + config.server()
            + ", controllers "
            + Controllers.NAMES.stream().filter(selection::isEnabled).toList());
    if (election == null) {
      try {
        manager.start();
      } catch (IllegalStateException e) {
        serving.set(false);
        err.println("skiff: " + e.getMessage());
        err.flush();
        return 1;
      }
      out.println("skiff: controllers started");
      out.flush();
    } else {
      String lease = election.namespace() + "/" + election.name();
      out.println("skiff: attempting to acquire leader lease " + lease + "...");
      out.flush();
      manager.startWithLeaderElection(
          election,
          () -> {
            out.println("skiff: successfully acquired lease " + lease);
            out.flush();
          },
          () -> {
            // Upstream exits with 1: a manager cannot start twice, and another process leads.
            serving.set(false);
            err.println("skiff: leaderelection lost");
            err.flush();
            System.exit(1);
          });
    }
    // Runs until a signal or a lost lease: both end the process.
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * The transport of one client over the shared {@code http} one: with a bucket of its own, or,
   * with no limit, the shared one itself, which only the shutdown hook closes.
   */
  private static Transport limited(HttpTransport http, Clock clock, Optional<ApiLimit> limit) {
    return limit
        .<Transport>map(l -> new RateLimitedTransport(http, clock, l.qps(), l.burst()))
        .orElse(http);
  }

  /**
   * {@code --controllers} read against the controllers there are.
   *
   * @throws ParameterException naming unknown controllers in upstream's words
   */
  ControllerSelection selection() {
    try {
      return Controllers.selection(controllers);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--controllers: " + e.getMessage());
    }
  }

  /**
   * The client-side limit as client-go reads QPS and Burst: a QPS of 0 means 5 (and a Burst of 0
   * then 10), a negative QPS no limit, a positive one needs a positive Burst.
   */
  Optional<ApiLimit> apiLimit() {
    if (kubeApiQps < 0) {
      return Optional.empty();
    }
    if (kubeApiQps == 0) {
      return Optional.of(new ApiLimit(5, kubeApiBurst == 0 ? 10 : kubeApiBurst));
    }
    if (kubeApiBurst <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "burst is required to be greater than 0 when RateLimiter is not set"
              + " and QPS is set to greater than 0");
    }
    return Optional.of(new ApiLimit(kubeApiQps, kubeApiBurst));
  }

  /** The {@code --leader-elect-*} flags for a candidate named {@code identity}. */
  LeaderElectionConfig leaderElection(String identity) {
    if (!resourceLock.equals("leases")) {
      throw new ParameterException(spec.commandLine(), "resourceLock value must be \"leases\"");
    }
    try {
      return new LeaderElectionConfig(
          resourceNamespace,
          resourceName,
          identity,
          Flags.duration(spec, "--leader-elect-lease-duration", leaseDuration),
          Flags.duration(spec, "--leader-elect-renew-deadline", renewDeadline),
          Flags.duration(spec, "--leader-elect-retry-period", retryPeriod));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
