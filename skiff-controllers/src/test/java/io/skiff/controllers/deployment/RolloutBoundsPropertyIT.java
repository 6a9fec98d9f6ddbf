package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.EventType;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.client.events.EventRecorder;
import io.skiff.clock.Clock;
import io.skiff.controllers.Controllers;
import io.skiff.controllers.deployment.RolloutBoundsChecker.Amount;
import io.skiff.controllers.deployment.RolloutCase.ChangeTemplate;
import io.skiff.controllers.deployment.RolloutCase.Pause;
import io.skiff.controllers.deployment.RolloutCase.Resume;
import io.skiff.controllers.deployment.RolloutCase.Scale;
import io.skiff.controllers.deployment.RolloutCase.Step;
import io.skiff.controllers.deployment.RolloutCase.Template;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.node.NodeOptions;
import io.skiff.node.NodeSimulator;
import io.skiff.scheduler.Scheduler;
import io.skiff.scheduler.SchedulerOptions;
import io.skiff.store.memory.MemoryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's rollout-bounds property: randomized Deployments ({@link RolloutCase}) roll out on the
 * whole in-process control plane (API server on a memory store, controllers, scheduler, simulated
 * nodes) under a {@link RolloutBoundsChecker} that sees every pod event of the case's namespace and
 * asserts at each state that live pods stay within {@code replicas + maxSurge} and available pods
 * at or above {@code replicas − maxUnavailable}; every case must then converge (only the new
 * ReplicaSet has pods, all of them available).
 *
 * <p>Cases are seeded: case {@code i} is {@code RolloutCase.generate(base + i)}. System properties:
 * {@code skiff.rollout.seed} (the base, fixed by default so that CI is reproducible), {@code
 * skiff.rollout.cases} (200), {@code skiff.rollout.parallel} (cases at a time, each in its own
 * namespace, on one cluster: starting one is the expensive part; 24, since a case mostly waits). A
 * failure names the case's seed: {@code -Dskiff.rollout.seed=S -Dskiff.rollout.cases=1} runs that
 * case again. The seed fixes the case, not the interleaving of the control loops, so a race may
 * need several runs (or more cases) to show again. See docs/testing.md.
 */
class RolloutBoundsPropertyIT {

  private static final long DEFAULT_SEED = 20_250_005L;

  /**
   * How long one wait for a rollout to complete may take: generous, because CI machines are loaded
   * and a rollout of 50 one-pod steps takes a while there; a rollout that stalls is the failure.
   */
  private static final Duration CONVERGENCE_TIMEOUT = Duration.ofMinutes(3);

  private static final Duration POLL = Duration.ofMillis(20);

  /** The cluster's clock, which the run also times itself by. */
  private static final Clock CLOCK = Clock.system();

  private static final String NAME = "web";
  private static final String TEMPLATE_VERSION = "rollout.skiff.io/template";
  private static final String HASH = "pod-template-hash";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final int NODES = 16;

  /** Once this many cases have failed no new ones start: the first failures say enough. */
  private static final int MAX_FAILURES = 5;

  /**
   * The controllers log each retried conflict at INFO; thousands of rollouts at once make that
   * noise. Held here because the logging framework keeps loggers weakly.
   */
  private static final Logger QUIET = Logger.getLogger("io.skiff");

  @Test
  void everyRolloutStaysWithinItsBoundsAndConverges() throws Exception {
    long base = Long.getLong("skiff.rollout.seed", DEFAULT_SEED);
    int cases = Integer.getInteger("skiff.rollout.cases", 200);
    int parallel = Integer.getInteger("skiff.rollout.parallel", 24);
    System.out.printf(
        "RolloutBoundsPropertyIT: base seed %d, %d cases, %d at a time"
            + " (-Dskiff.rollout.seed=%d -Dskiff.rollout.cases=%d repeats them)%n",
        base, cases, parallel, base, cases);
    Level level = QUIET.getLevel();
    QUIET.setLevel(Level.WARNING);

    long started = CLOCK.nanoTime();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicLong events = new AtomicLong();
    AtomicLong armedEvents = new AtomicLong();
    AtomicLong surplusStates = new AtomicLong();
    AtomicLong deficitStates = new AtomicLong();
    AtomicLong deficitCases = new AtomicLong();
    AtomicReference<String> slowest = new AtomicReference<>("none");
    AtomicLong slowestMillis = new AtomicLong();
    AtomicLong done = new AtomicLong();
    try (Cluster cluster = Cluster.start();
        ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < cases; i++) {
        int index = i;
        results.add(
            pool.submit(
                () -> {
                  if (failures.size() >= MAX_FAILURES) {
                    return null;
                  }
                  RolloutCase c = RolloutCase.generate(base + index);
                  long t0 = CLOCK.nanoTime();
                  CaseRun run = new CaseRun(cluster, index, c);
                  String failure = null;
                  try {
                    run.run();
                  } catch (CaseFailure e) {
                    failure = e.getMessage();
                  } catch (RuntimeException e) {
                    // An API call of the driver failed: the case failed, and its seed must show.
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    failure = "the driver failed: " + trace;
                  }
                  events.addAndGet(run.checker.events());
                  armedEvents.addAndGet(run.checker.armedEvents());
                  surplusStates.addAndGet(run.checker.surplusStates());
                  deficitStates.addAndGet(run.checker.deficitStates());
                  if (run.checker.deficitStates() > 0) {
                    deficitCases.incrementAndGet();
                  }
                  long millis = (CLOCK.nanoTime() - t0) / 1_000_000;
                  if (slowestMillis.accumulateAndGet(millis, Math::max) == millis) {
                    slowest.set(String.format("case %d, %.1f s", index, millis / 1e3));
                  }
                  long n = done.incrementAndGet();
                  if (n % 50 == 0) {
                    System.out.printf(
                        "  %d cases done, %.0f s%n", n, (CLOCK.nanoTime() - started) / 1e9);
                  }
                  if (failure != null) {
                    String report =
                        "case "
                            + index
                            + " (seed "
                            + c.seed()
                            + "; -Dskiff.rollout.seed="
                            + c.seed()
                            + " -Dskiff.rollout.cases=1 runs it alone): "
                            + failure
                            + "\n  the case: "
                            + c.describe();
                    System.out.println("FAILED " + report);
                    failures.add(report);
                  }
                  return null;
                }));
      }
      for (Future<?> f : results) {
        f.get();
      }
    } finally {
      QUIET.setLevel(level);
    }
    System.out.printf(
        "RolloutBoundsPropertyIT: %d cases in %.1f s (slowest %s); %d pod events checked,"
            + " %d of them against an armed availability bound; %d states over the live bound"
            + " and %d under the availability bound (in %d cases) explained by the ReplicaSets;"
            + " %d failed%n",
        done.get(),
        (CLOCK.nanoTime() - started) / 1e9,
        slowest.get(),
        events.get(),
        armedEvents.get(),
        surplusStates.get(),
        deficitStates.get(),
        deficitCases.get(),
        failures.size());
    assertThat(failures).as("base seed %d", base).isEmpty();
    // The availability bound must have been in force for part of the run, or it proved nothing.
    assertThat(armedEvents.get()).isPositive();
  }

  /** A case that did not converge or could not be driven; its message says why. */
  private static final class CaseFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CaseFailure(String message) {
      super(message);
    }
  }

  /** One case, in namespace {@code rollout-<index>}. */
  private static final class CaseRun {
    private final Cluster cluster;
    private final RolloutCase c;
    private final String namespace;
    private final RolloutBoundsChecker checker;
    private final AtomicReference<String> watchEnded = new AtomicReference<>();
    private final Map<Long, String> controlPlane = new ConcurrentSkipListMap<>();
    private final Resources<Deployment> deployments;
    private final Resources<ReplicaSet> replicaSets;

    CaseRun(Cluster cluster, int index, RolloutCase c) {
      this.cluster = cluster;
      this.c = c;
      this.namespace = "rollout-" + index;
      this.deployments = cluster.client.resources(Deployment.class);
      this.replicaSets = cluster.client.resources(ReplicaSet.class);
      this.checker =
          new RolloutBoundsChecker(
              c.strategy(),
              c.replicas(),
              c.minReadySeconds(),
              cluster.clock,
              revision ->
                  replicaSets.list(namespace, ListOptions.all().atExactly(revision)).items());
    }

    /**
     * Runs the case to convergence.
     *
     * @throws CaseFailure with the violation or the state that did not converge, and what the
     *     control plane did meanwhile
     */
    void run() throws CaseFailure, InterruptedException {
      Resources<Namespace> namespaces = cluster.client.resources(Namespace.class);
      namespaces.create(
          new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build());
      List<Watch> watches = new ArrayList<>();
      try {
        // From revision 0 of a namespace just made: every event of the case, from the first.
        watches.add(watch(Pod.class, checker::onEvent));
        watches.add(
            watch(
                ReplicaSet.class,
                (type, rs) -> {
                  remember(type, rs);
                  checker.onReplicaSetEvent(type, rs);
                }));
        watches.add(watch(Deployment.class, (type, d) -> remember(type, d)));
        deployments.create(deployment());
        for (Step step : c.steps()) {
          if (step.gapMillis() == Step.UNTIL_COMPLETE) {
            awaitComplete();
          } else {
            sleepSettling(step.gapMillis());
          }
          if (checker.violation().isPresent()) {
            break;
          }
          apply(step);
        }
        if (checker.violation().isEmpty()) {
          awaitComplete();
        }
        if (checker.violation().isPresent()) {
          throw new CaseFailure(checker.violation().get() + controlPlaneLog());
        }
      } finally {
        watches.forEach(Watch::close);
        namespaces.delete(null, namespace, null);
      }
    }

    /** What a watch of the case hands its events to. */
    private interface Sink<T> {
      void accept(EventType type, T object) throws InterruptedException;
    }

    private <T extends HasMetadata> Watch watch(Class<T> kind, Sink<T> onEvent) {
      return cluster
          .client
          .resources(kind)
          .watch(
              namespace,
              ListOptions.all(),
              0,
              new Watcher<>() {
                @Override
                public void onEvent(EventType type, T object) {
                  try {
                    onEvent.accept(type, object);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    watchEnded.compareAndSet(null, kind.getSimpleName() + " watch interrupted");
                  }
                }

                @Override
                public void onClose(StatusError error) {
                  watchEnded.compareAndSet(
                      null,
                      kind.getSimpleName()
                          + " watch "
                          + (error == null ? "closed" : error.code() + " " + error.getMessage()));
                }
              });
    }

    /** A ReplicaSet event, for the failure message. */
    private void remember(EventType type, ReplicaSet rs) {
      Map<String, String> a = rs.getMetadata().getAnnotations();
      var s = rs.getStatus();
      controlPlane.put(
          Long.parseLong(rs.getMetadata().getResourceVersion()),
          type
              + " ReplicaSet "
              + rs.getMetadata().getLabels().get(HASH)
              + " template v"
              + rs.getSpec().getTemplate().getMetadata().getAnnotations().get(TEMPLATE_VERSION)
              + " revision "
              + a.get("deployment.kubernetes.io/revision")
              + " spec "
              + rs.getSpec().getReplicas()
              + " (desired "
              + a.get("deployment.kubernetes.io/desired-replicas")
              + ", max "
              + a.get("deployment.kubernetes.io/max-replicas")
              + ") status "
              + (s == null
                  ? "none"
                  : value(s.getReplicas())
                      + " ready "
                      + value(s.getReadyReplicas())
                      + " available "
                      + value(s.getAvailableReplicas())
                      + " for generation "
                      + value(s.getObservedGeneration())
                      + "/"
                      + rs.getMetadata().getGeneration()));
    }

    /** A Deployment event, for the failure message. */
    private void remember(EventType type, Deployment d) {
      var s = d.getStatus();
      controlPlane.put(
          Long.parseLong(d.getMetadata().getResourceVersion()),
          type
              + " Deployment generation "
              + d.getMetadata().getGeneration()
              + " replicas "
              + d.getSpec().getReplicas()
              + " template v"
              + d.getSpec().getTemplate().getMetadata().getAnnotations().get(TEMPLATE_VERSION)
              + (Boolean.TRUE.equals(d.getSpec().getPaused()) ? " paused" : "")
              + " status "
              + (s == null
                  ? "none"
                  : "observed "
                      + value(s.getObservedGeneration())
                      + " replicas "
                      + value(s.getReplicas())
                      + " updated "
                      + value(s.getUpdatedReplicas())
                      + " available "
                      + value(s.getAvailableReplicas())));
    }

    /** The last ReplicaSet and Deployment events, by revision. */
    private String controlPlaneLog() {
      List<String> lines = new ArrayList<>();
      controlPlane.forEach((rv, line) -> lines.add("rv " + rv + " " + line));
      return "\n  ReplicaSet and Deployment events, oldest first:\n    "
          + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private void apply(Step step) {
      switch (step.op()) {
        case Scale s -> {
          // Disarmed before the controllers can see the new size.
          checker.scaling(s.replicas());
          if (s.subresource()) {
            deployments.updateScale(
                namespace,
                NAME,
                new ScaleBuilder()
                    .withNewMetadata()
                    .withName(NAME)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(s.replicas())
                    .endSpec()
                    .build());
          } else {
            patch(Map.of("spec", Map.of("replicas", s.replicas())));
          }
        }
        case ChangeTemplate t -> {
          Template to = t.to();
          Map<String, Object> container = new LinkedHashMap<>();
          container.put("name", "app");
          container.put("image", image(to));
          container.put("env", List.of(Map.of("name", "STEP", "value", String.valueOf(to.env()))));
          patch(
              Map.of(
                  "spec",
                  Map.of(
                      "template",
                      Map.of(
                          "metadata",
                          Map.of("annotations", annotations(to)),
                          "spec",
                          Map.of("containers", List.of(container))))));
        }
        case Pause p -> patch(Map.of("spec", Map.of("paused", true)));
        case Resume r -> {
          // A null removes the field: what kubectl rollout resume sends.
          Map<String, Object> spec = new LinkedHashMap<>();
          spec.put("paused", null);
          patch(Map.of("spec", spec));
        }
      }
    }

    private void patch(Map<String, Object> body) {
      try {
        deployments.patch(
            namespace, NAME, PatchType.STRATEGIC_MERGE_PATCH, JSON.writeValueAsString(body));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Lets {@code millis} pass before the next step, arming the checker whenever the Deployment
     * completes meanwhile.
     */
    private void sleepSettling(int millis) throws CaseFailure {
      if (millis == 0) {
        checkWatch();
        settled();
        return;
      }
      Duration gap = Duration.ofMillis(millis);
      poll(
          await().pollDelay(Duration.ZERO).during(gap).atMost(gap.plus(CONVERGENCE_TIMEOUT)),
          () -> {
            settled();
            return true;
          });
    }

    /** Waits until the Deployment is complete and the checker's pod view agrees. */
    private void awaitComplete() throws CaseFailure {
      if (poll(
          await().pollDelay(Duration.ZERO).atMost(CONVERGENCE_TIMEOUT),
          () -> checker.violation().isPresent() || settled())) {
        return;
      }
      throw new CaseFailure(
          "did not converge within "
              + CONVERGENCE_TIMEOUT.toSeconds()
              + " s\n  deployment status: "
              + deployments.get(namespace, NAME).map(Deployment::getStatus).orElse(null)
              + "\n  replica sets: "
              + replicaSetSummary()
              + "\n  pods: "
              + checker.summary()
              + "\n  live pods not available:"
              + checker.unavailablePods(10)
              + controlPlaneLog());
    }

    /**
     * Polls {@code done} every {@link #POLL} as {@code wait} says, failing the case as soon as one
     * of its watches has ended.
     *
     * @return whether {@code done} held before the wait timed out
     */
    private boolean poll(ConditionFactory wait, BooleanSupplier done) throws CaseFailure {
      AtomicReference<CaseFailure> failed = new AtomicReference<>();
      try {
        wait.pollInterval(POLL)
            .until(
                () -> {
                  try {
                    checkWatch();
                  } catch (CaseFailure e) {
                    failed.set(e);
                    return true;
                  }
                  return done.getAsBoolean();
                });
      } catch (ConditionTimeoutException e) {
        return false;
      } finally {
        if (failed.get() != null) {
          throw failed.get();
        }
      }
      return true;
    }

    private void checkWatch() throws CaseFailure {
      String ended = watchEnded.get();
      if (ended != null) {
        throw new CaseFailure("a watch ended (" + ended + "): events may have been missed");
      }
    }

    /**
     * Whether the Deployment is complete for its latest generation: observed, the ReplicaSet of its
     * current template holding all replicas, available, every other one empty; if so the checker is
     * told (it arms if its pod view agrees).
     */
    private boolean settled() {
      Deployment d = deployments.get(namespace, NAME).orElseThrow();
      var status = d.getStatus();
      int want = d.getSpec().getReplicas();
      if (status == null
          || value(status.getObservedGeneration()) < d.getMetadata().getGeneration()
          || value(status.getReplicas()) != want
          || value(status.getUpdatedReplicas()) != want
          || value(status.getAvailableReplicas()) != want) {
        return false;
      }
      String version =
          d.getSpec().getTemplate().getMetadata().getAnnotations().get(TEMPLATE_VERSION);
      ReplicaSet newRs = null;
      ListPage<ReplicaSet> page = replicaSets.list(namespace, ListOptions.all());
      for (ReplicaSet rs : page.items()) {
        var s = rs.getStatus();
        boolean current =
            version.equals(
                rs.getSpec().getTemplate().getMetadata().getAnnotations().get(TEMPLATE_VERSION));
        if (current) {
          if (rs.getSpec().getReplicas() != want
              || s == null
              || value(s.getObservedGeneration()) < rs.getMetadata().getGeneration()
              || value(s.getReplicas()) != want
              || value(s.getAvailableReplicas()) != want) {
            return false;
          }
          newRs = rs;
        } else if (rs.getSpec().getReplicas() != 0
            || s == null
            || value(s.getObservedGeneration()) < rs.getMetadata().getGeneration()
            || value(s.getReplicas()) != 0) {
          // An old set's status for an older spec: the ReplicaSet controller may still act on it.
          return false;
        }
      }
      if (newRs == null) {
        return false;
      }
      long revision = page.resourceVersion();
      return checker.settle(
          newRs.getMetadata().getLabels().get(HASH),
          revision,
          cluster
              .client
              .resources(Pod.class)
              .list(namespace, ListOptions.all().atExactly(revision))
              .items());
    }

    private String replicaSetSummary() {
      StringBuilder s = new StringBuilder();
      for (ReplicaSet rs : replicaSets.list(namespace, ListOptions.all()).items()) {
        s.append("\n    ")
            .append(rs.getMetadata().getName())
            .append(" template ")
            .append(rs.getSpec().getTemplate().getMetadata().getAnnotations().get(TEMPLATE_VERSION))
            .append(" spec ")
            .append(rs.getSpec().getReplicas())
            .append(" status ")
            .append(rs.getStatus());
      }
      return s.toString();
    }

    private Deployment deployment() {
      DeploymentStrategy strategy =
          c.strategy().rolling()
              ? new DeploymentStrategyBuilder()
                  .withType("RollingUpdate")
                  .withNewRollingUpdate()
                  .withMaxSurge(intOrString(c.strategy().maxSurge()))
                  .withMaxUnavailable(intOrString(c.strategy().maxUnavailable()))
                  .endRollingUpdate()
                  .build()
              : new DeploymentStrategyBuilder().withType("Recreate").build();
      return new DeploymentBuilder()
          .withNewMetadata()
          .withName(NAME)
          .withNamespace(namespace)
          .endMetadata()
          .withNewSpec()
          .withReplicas(c.replicas())
          .withMinReadySeconds(c.minReadySeconds())
          .withStrategy(strategy)
          .withNewSelector()
          .withMatchLabels(Map.of("app", NAME))
          .endSelector()
          .withTemplate(template(c.template()))
          .endSpec()
          .build();
    }

    private static PodTemplateSpec template(Template t) {
      return new PodTemplateSpecBuilder()
          .withNewMetadata()
          .withLabels(Map.of("app", NAME))
          .withAnnotations(annotations(t))
          .endMetadata()
          .withNewSpec()
          .addNewContainer()
          .withName("app")
          .withImage(image(t))
          .addNewEnv()
          .withName("STEP")
          .withValue(String.valueOf(t.env()))
          .endEnv()
          .endContainer()
          .endSpec()
          .build();
    }

    private static Map<String, String> annotations(Template t) {
      return Map.of(
          TEMPLATE_VERSION,
          String.valueOf(t.version()),
          "sim.skiff.io/ready-delay",
          t.readyDelayMillis() + "ms",
          "sim.skiff.io/start-delay",
          t.startDelayMillis() + "ms",
          "sim.skiff.io/shutdown-time",
          t.shutdownMillis() + "ms");
    }

    /** A repository the image catalog does not list: every tag pulls. */
    private static String image(Template t) {
      return "example.com/skiff/bounds:" + t.image();
    }

    private static IntOrString intOrString(Amount a) {
      return a.percent() ? new IntOrString(a.toString()) : new IntOrString(a.value());
    }

    private static long value(Number n) {
      return n == null ? 0 : n.longValue();
    }
  }

  /**
   * The control plane as {@code skiff up} runs it, in process: one API server, and the controllers,
   * the scheduler and the nodes each on its own in-process client. Events are not recorded: they
   * cost CPU and play no part in a rollout.
   */
  private static final class Cluster implements AutoCloseable {
    final Clock clock = CLOCK;
    final MemoryStore store = new MemoryStore();
    final KubeClient client;
    private final KubeClient nodeClient;
    private final KubeClient schedulerClient;
    private final KubeClient controllerClient;
    private NodeSimulator nodes;
    private Scheduler scheduler;
    private ControllerManager controllers;

    // The store's revision at each of the last compactions' ticks, oldest first.
    private final Deque<Long> revisions = new ArrayDeque<>();

    private volatile Clock.Timer compaction;

    private Cluster() {
      Registry registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock);
      registry.bootstrap();
      client = KubeClient.over(new InProcessTransport(registry));
      nodeClient = KubeClient.over(new InProcessTransport(registry));
      schedulerClient = KubeClient.over(new InProcessTransport(registry));
      controllerClient = KubeClient.over(new InProcessTransport(registry));
    }

    static Cluster start() throws InterruptedException {
      Cluster c = new Cluster();
      try {
        c.nodes =
            NodeSimulator.start(
                c.nodeClient,
                c.clock,
                // A node's /24 holds 253 pod addresses, live or terminating: enough nodes for
                // every case at once to peak (50 replicas, surge, pods still terminating).
                NodeOptions.defaults()
                    .withNodes(NODES)
                    .withCapacity("64", "256Gi", 250)
                    .withImagePullTime(Duration.ofMillis(30))
                    .withEvents(n -> EventRecorder.NONE));
        c.scheduler =
            Scheduler.start(
                c.schedulerClient,
                c.clock,
                SchedulerOptions.defaults().withEventRecorder(EventRecorder.NONE));
        c.controllers =
            Controllers.all(
                ControllerContext.builder(c.controllerClient, c.clock)
                    .recorders(component -> EventRecorder.NONE)
                    .build());
        c.controllers.start();
        c.compactEveryTenSeconds();
        return c;
      } catch (InterruptedException | RuntimeException e) {
        c.close();
        throw e;
      }
    }

    @Override
    public void close() {
      Clock.Timer pending = compaction;
      compaction = null;
      if (pending != null) {
        pending.cancel();
      }
      if (controllers != null) {
        controllers.close();
      }
      if (scheduler != null) {
        scheduler.close();
      }
      if (nodes != null) {
        nodes.close();
      }
      controllerClient.close();
      schedulerClient.close();
      nodeClient.close();
      client.close();
      store.close();
    }

    /**
     * Forgets the store's history older than about a minute, as kube-apiserver compacts etcd's
     * (every 5 minutes): a memory store keeps every revision, and 10,000 cases outgrow any heap. A
     * minute is far more than a watch or an exact read of the checker ever lags.
     */
    private void compactEveryTenSeconds() {
      compaction =
          clock.schedule(
              Duration.ofSeconds(10),
              () -> {
                if (compaction == null) {
                  return;
                }
                revisions.addLast(store.currentRevision());
                if (revisions.size() > 6) {
                  store.compact(revisions.removeFirst());
                }
                compactEveryTenSeconds();
              });
    }
  }
}
