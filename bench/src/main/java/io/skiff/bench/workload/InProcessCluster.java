package io.skiff.bench.workload;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.bench.BenchFiles;
import io.skiff.client.KubeClient;
import io.skiff.client.events.EventRecorder;
import io.skiff.clock.Clock;
import io.skiff.controllers.Controllers;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerManager;
import io.skiff.node.NodeOptions;
import io.skiff.node.NodeSimulator;
import io.skiff.scheduler.Scheduler;
import io.skiff.scheduler.SchedulerOptions;
import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import io.skiff.store.sqlite.SqliteStore;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The whole control plane in one process, as {@code skiff up} runs it: the registry on a SQLite (or
 * memory) store, simulated nodes, the scheduler and every controller, each on its own in-process
 * client, on the real clock, recording events as {@code skiff up} does. What the workload
 * benchmarks share.
 *
 * <p>System properties read by {@link #fromProperties}: {@code skiff.bench.store} ({@code sqlite}
 * or {@code memory}), {@code skiff.bench.timeout} (seconds each wait may take, 600), {@code
 * skiff.bench.events} ({@code false} leaves out the simulated kubelets' and the scheduler's events,
 * a third of a large rollout's writes: to compare with figures taken without them).
 */
final class InProcessCluster implements AutoCloseable {

  private final Clock clock;
  private final Store store;
  private final Path dataDir;
  private final String backend;
  private final Duration timeout;
  private final boolean events;
  private final KubeClient nodeClient;
  private final KubeClient schedulerClient;
  private final KubeClient controllerClient;
  private final KubeClient client;
  private NodeSimulator nodes;
  private Scheduler scheduler;
  private ControllerManager controllers;

  private InProcessCluster(
      Clock clock, Store store, Path dataDir, String backend, Duration timeout, boolean events) {
    this.clock = clock;
    this.events = events;
    this.store = store;
    this.dataDir = dataDir;
    this.backend = backend;
    this.timeout = timeout;
    Registry registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock);
    registry.bootstrap();
    nodeClient = KubeClient.over(new InProcessTransport(registry));
    schedulerClient = KubeClient.over(new InProcessTransport(registry));
    controllerClient = KubeClient.over(new InProcessTransport(registry));
    client = KubeClient.over(new InProcessTransport(registry));
  }

  /**
   * Starts a cluster of {@code nodeCount} nodes, each with room for {@code podsPerNode} pods, on
   * {@code clock}, the store and with the timeout the system properties name; returns once the
   * nodes are registered and the controllers run.
   */
  static InProcessCluster fromProperties(Clock clock, int nodeCount, int podsPerNode)
      throws Exception {
    String backend = System.getProperty("skiff.bench.store", "sqlite");
    Duration timeout = Duration.ofSeconds(Integer.getInteger("skiff.bench.timeout", 600));
    boolean events = Boolean.parseBoolean(System.getProperty("skiff.bench.events", "true"));
    Path dataDir = backend.equals("memory") ? null : BenchFiles.freshDir("workload");
    Store store =
        dataDir == null
            ? new MemoryStore()
            : SqliteStore.open(dataDir.resolve("skiff.db"), SqliteStore.Options.defaults());
    InProcessCluster cluster =
        new InProcessCluster(clock, store, dataDir, backend, timeout, events);
    try {
      cluster.start(nodeCount, podsPerNode);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void start(int nodeCount, int podsPerNode) throws InterruptedException {
    NodeOptions nodeOptions =
        NodeOptions.defaults().withNodes(nodeCount).withCapacity("64", "256Gi", podsPerNode);
    SchedulerOptions schedulerOptions = SchedulerOptions.defaults();
    if (!events) {
      nodeOptions = nodeOptions.withEvents(n -> EventRecorder.NONE);
      schedulerOptions = schedulerOptions.withEventRecorder(EventRecorder.NONE);
    }
    nodes = NodeSimulator.start(nodeClient, clock, nodeOptions);
    scheduler = Scheduler.start(schedulerClient, clock, schedulerOptions);
    controllers = Controllers.all(ControllerContext.of(controllerClient, clock));
    controllers.start();
  }

  /**
   * Where the work of a phase went, from {@link #work()} before it: store writes (revisions), this
   * process's CPU time per pod the phase brought up, and how much of the phase's time the JIT
   * compilers spent compiling (their threads' time, most of it on a CPU: in a fresh JVM a large
   * part of the CPU time).
   */
  record Work(long revision, long cpuNanos, long compileMillis) {
    String since(Work before, int pods) {
      long writes = revision - before.revision;
      double cpu = (cpuNanos - before.cpuNanos) / 1e9;
      return String.format(
          "%d store writes (%.1f per pod), %.1f CPU s (%.2f ms per pod), JIT compiling %.1f s",
          writes,
          (double) writes / pods,
          cpu,
          cpu * 1000 / pods,
          (compileMillis - before.compileMillis) / 1e3);
    }
  }

  /** The store's revision, the process's CPU time and the JIT's compiling time so far. */
  Work work() {
    long cpu =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : 0;
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long compiling =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : 0;
    return new Work(store.currentRevision(), cpu, compiling);
  }

  /** A client for the benchmark's own requests. */
  KubeClient client() {
    return client;
  }

  /** {@code sqlite} or {@code memory}. */
  String backend() {
    return backend;
  }

  /**
   * Polls {@code done} every 100 ms until it holds, printing {@code progress} every {@code
   * skiff.bench.progressMillis} (5,000: 500 shows where a convergence stalls); throws once the
   * timeout has passed.
   */
  void await(String what, BooleanSupplier done, Supplier<String> progress)
      throws InterruptedException {
    long start = clock.nanoTime();
    long deadline = start + timeout.toNanos();
    long every = Long.getLong("skiff.bench.progressMillis", 5_000) * 1_000_000L;
    long lastReport = start;
    while (clock.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      if (clock.nanoTime() - lastReport >= every) {
        lastReport = clock.nanoTime();
        System.out.printf("    ... %.1f s: %s%n", seconds(lastReport - start), progress.get());
      }
      clock.sleep(Duration.ofMillis(100));
    }
    throw new IllegalStateException(what + ": not done within " + timeout + "; " + progress.get());
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /**
   * The Java version and the JVM options this run was started with: figures from runs without
   * {@code scripts/jvm.options} are not what {@code skiff up} does.
   */
  static String jvm() {
    List<String> options =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-X"))
            .toList();
    return "Java "
        + Runtime.version()
        + ", JVM options: "
        + (options.isEmpty() ? "none" : String.join(" ", options));
  }

  /**
   * The heap's peak (the heap pools' peaks summed), the heap in use now, what of it is live (after
   * a full collection, which this asks for) and the peak RSS.
   */
  static String memory() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return String.format(
        "heap: peak %d MiB (pools' peaks summed), now %d MiB, live %d MiB; RSS %s",
        peak >> 20, now >> 20, live >> 20, rss());
  }

  private static String rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return "peak " + line.substring(6).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: no /proc.
    }
    return "unknown";
  }

  /**
   * The pod template every workload benchmark runs: one container, labelled {@code app=}{@code
   * app}.
   */
  static PodTemplateSpec podTemplate(String app, String container, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("app", app))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(container)
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  /** The strategic merge patch that rolls a workload's {@code container} to {@code image}. */
  static String imagePatch(String container, String image) {
    return "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\""
        + container
        + "\",\"image\":\""
        + image
        + "\"}]}}}}";
  }

  static boolean eq(Integer v, int want) {
    return v != null && v == want;
  }

  @Override
  public void close() {
    if (controllers != null) {
      controllers.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (nodes != null) {
      nodes.close();
    }
    client.close();
    controllerClient.close();
    schedulerClient.close();
    nodeClient.close();
    store.close();
    // The SQLite files of a 10,000-pod run take most of a gigabyte: they go with the run.
    BenchFiles.delete(dataDir);
  }
}
