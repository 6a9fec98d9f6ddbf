package io.skiff.bench.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.patch.PatchType;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Issue 5's scale scenario: a Deployment of N replicas (10,000 by default) on M simulated nodes
 * (100) with the whole control plane in process, as {@code skiff up} runs it: create → every pod
 * Ready (pods/s), then a full rolling update (seconds), with the peak heap. A plain main, not JMH:
 * the figure is the time of one large convergence.
 *
 * <p>System properties: {@code skiff.bench.replicas} (10000), {@code skiff.bench.nodes} (100),
 * {@code skiff.bench.store} ({@code sqlite} or {@code memory}), {@code skiff.bench.timeout}
 * (seconds, 600). Node capacity is raised to fit the replicas ({@code pods} per node).
 */
public final class DeploymentScaleBench {

  private DeploymentScaleBench() {}

  public static void main(String[] args) throws Exception {
    int replicas = Integer.getInteger("skiff.bench.replicas", 10_000);
    int nodes = Integer.getInteger("skiff.bench.nodes", 100);
    String backend = System.getProperty("skiff.bench.store", "sqlite");
    Duration timeout = Duration.ofSeconds(Integer.getInteger("skiff.bench.timeout", 600));
    Path dir = Files.createTempDirectory("skiff-deployment-bench");
    Store store =
        backend.equals("memory")
            ? new MemoryStore()
            : SqliteStore.open(dir.resolve("skiff.db"), SqliteStore.Options.defaults());
    Registry registry =
        new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), Clock.system());
    registry.bootstrap();
    Clock clock = Clock.system();
    int podsPerNode = Math.max(110, replicas * 2 / nodes + 10);
    try (KubeClient nodeClient = KubeClient.over(new InProcessTransport(registry));
        KubeClient schedulerClient = KubeClient.over(new InProcessTransport(registry));
        KubeClient controllerClient = KubeClient.over(new InProcessTransport(registry));
        KubeClient client = KubeClient.over(new InProcessTransport(registry));
        NodeSimulator sim =
            NodeSimulator.start(
                nodeClient,
                clock,
                NodeOptions.defaults()
                    .withNodes(nodes)
                    .withCapacity("64", "256Gi", podsPerNode)
                    .withEvents(n -> EventRecorder.NONE));
        Scheduler scheduler =
            Scheduler.start(
                schedulerClient,
                clock,
                SchedulerOptions.defaults().withEventRecorder(EventRecorder.NONE));
        ControllerManager controllers =
            Controllers.all(ControllerContext.of(controllerClient, clock))) {
      controllers.start();
      Resources<Deployment> deployments = client.resources(Deployment.class);
      System.out.printf(
          "DeploymentScaleBench: %d replicas on %d nodes, %s store%n", replicas, nodes, backend);

      long t0 = System.nanoTime();
      deployments.create(deployment(replicas, "nginx:1.23.1"));
      awaitRolledOut(deployments, 1, replicas, timeout);
      double create = seconds(System.nanoTime() - t0);
      System.out.printf(
          "  create -> all %d Ready: %.1f s, %.0f pods/s%n", replicas, create, replicas / create);

      long t1 = System.nanoTime();
      deployments.patch(
          "default",
          "bench",
          PatchType.STRATEGIC_MERGE_PATCH,
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
              + "\"image\":\"nginx:1.25.3\"}]}}}}");
      awaitRolledOut(deployments, 2, replicas, timeout);
      System.out.printf(
          "  rolling update (25%%/25%%) to completion: %.1f s%n", seconds(System.nanoTime() - t1));
      var memory = ManagementFactory.getMemoryMXBean();
      long peak = 0;
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(
          "  heap: peak %d MiB (pools' peaks summed), now %d MiB; RSS %s%n",
          peak >> 20, memory.getHeapMemoryUsage().getUsed() >> 20, rss());
    } finally {
      store.close();
    }
  }

  private static Deployment deployment(int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("bench")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Map.of("app", "bench"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "bench"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("nginx")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Polls until the deployment has observed generation {@code generation} and is complete. */
  private static void awaitRolledOut(
      Resources<Deployment> deployments, long generation, int replicas, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Deployment d = deployments.get("default", "bench").orElseThrow();
      var s = d.getStatus();
      if (s != null
          && s.getObservedGeneration() != null
          && s.getObservedGeneration() >= generation
          && eq(s.getUpdatedReplicas(), replicas)
          && eq(s.getReplicas(), replicas)
          && eq(s.getAvailableReplicas(), replicas)) {
        return;
      }
      if (System.nanoTime() - lastReport > 5_000_000_000L) {
        lastReport = System.nanoTime();
        System.out.printf(
            "    ... replicas %s, updated %s, available %s%n",
            s == null ? null : s.getReplicas(),
            s == null ? null : s.getUpdatedReplicas(),
            s == null ? null : s.getAvailableReplicas());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not rolled out within " + timeout);
  }

  private static boolean eq(Integer v, int want) {
    return v != null && v == want;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return "peak " + line.substring(6).trim();
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return "unknown";
  }
}
