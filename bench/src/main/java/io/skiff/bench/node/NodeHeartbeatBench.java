package io.skiff.bench.node;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.bench.BenchFiles;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.clock.Clock;
import io.skiff.node.NodeOptions;
import io.skiff.node.NodeSimulator;
import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import io.skiff.store.sqlite.SqliteStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * What simulated nodes cost at rest, and how long a pod takes to be Ready: N nodes (1,000 by
 * default) heartbeating against the in-process registry on the real clock, measured as the process
 * CPU time over a window, as a share of one core; then pods created on a node, from create to Ready
 * with the default timings (a 1s image pull).
 *
 * <p>Not JMH: the figure is the steady-state cost of background work, not the time of an operation.
 * System properties: {@code skiff.bench.nodes} (1000), {@code skiff.bench.seconds} (60), {@code
 * skiff.bench.store} ({@code sqlite}, as {@code skiff up}, or {@code memory}), {@code
 * skiff.bench.pods} (20).
 */
public final class NodeHeartbeatBench {

  static final double TARGET_CORE_SHARE = 0.10;

  private NodeHeartbeatBench() {}

  public static void main(String[] args) throws Exception {
    int nodes = Integer.getInteger("skiff.bench.nodes", 1000);
    int seconds = Integer.getInteger("skiff.bench.seconds", 60);
    int podCount = Integer.getInteger("skiff.bench.pods", 20);
    String backend = System.getProperty("skiff.bench.store", "sqlite");
    Clock clock = Clock.system();
    Path dir = backend.equals("memory") ? null : BenchFiles.freshDir("node");
    Store store =
        dir == null
            ? new MemoryStore()
            : SqliteStore.open(dir.resolve("skiff.db"), SqliteStore.Options.defaults());
    ObjectCodec codec = new ObjectCodec();
    Registry registry = new Registry(ResourceRegistry.builtin(), store, codec, clock);
    registry.bootstrap();
    OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    try (KubeClient client = KubeClient.over(new InProcessTransport(registry))) {
      long t0 = clock.nanoTime();
      NodeSimulator sim =
          NodeSimulator.start(
              client,
              clock,
              NodeOptions.defaults().withNodes(nodes).withEvents(n -> EventRecorder.NONE));
      long registered = clock.nanoTime() - t0;
      // Let the registrations, first leases and their spread settle before measuring.
      clock.sleep(Duration.ofSeconds(15));
      long cpu0 = os.getProcessCpuTime();
      long wall0 = clock.nanoTime();
      clock.sleep(Duration.ofSeconds(seconds));
      double share = (double) (os.getProcessCpuTime() - cpu0) / (double) (clock.nanoTime() - wall0);

      Resources<Pod> pods = client.resources(Pod.class);
      long[] latencies = new long[podCount];
      for (int i = 0; i < podCount; i++) {
        long start = clock.nanoTime();
        pods.create(pod("bench-" + i, "skiff-node-" + (1 + i % nodes)));
        while (!ready(pods.get("default", "bench-" + i).orElseThrow())) {
          clock.sleep(Duration.ofMillis(1));
        }
        latencies[i] = clock.nanoTime() - start;
      }
      Arrays.sort(latencies);
      sim.close();

      System.out.printf(
          Locale.ROOT,
          "%d nodes registered in %.1f s (%s store)%n",
          nodes,
          registered / 1e9,
          backend);
      System.out.printf(
          Locale.ROOT,
          "heartbeats: process CPU %.1f %% of one core over %d s (target <= %.0f %%)%n",
          share * 100,
          seconds,
          TARGET_CORE_SHARE * 100);
      System.out.printf(
          Locale.ROOT,
          "create to Ready with default timings (1s pull): median %.0f ms, max %.0f ms over %d"
              + " pods%n",
          latencies[podCount / 2] / 1e6,
          latencies[podCount - 1] / 1e6,
          podCount);
    } finally {
      store.close();
      BenchFiles.delete(dir);
    }
  }

  private static Pod pod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("nginx")
        .withImage("nginx:1.23.1")
        .endContainer()
        .endSpec()
        .build();
  }

  private static boolean ready(Pod pod) {
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (c.getType().equals("Ready")) {
        return c.getStatus().equals("True");
      }
    }
    return false;
  }
}
