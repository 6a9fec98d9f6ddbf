package io.skiff.bench.workload;

import static io.skiff.bench.workload.InProcessCluster.eq;
import static io.skiff.bench.workload.InProcessCluster.seconds;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.skiff.api.patch.PatchType;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.util.Map;

/**
 * Issue 6's DaemonSet figure: a DaemonSet over N simulated nodes (1,000 by default) with the whole
 * control plane in process ({@link InProcessCluster}): create → a pod Ready on every node (seconds,
 * pods/s), then a full rolling update of the image with {@code maxUnavailable} M (10% by default;
 * upstream's default of 1 would replace one node's pod at a time), with the peak heap and RSS.
 *
 * <p>System properties: {@code skiff.bench.nodes} (1000), {@code skiff.bench.maxUnavailable} (an
 * int or a percentage, {@code 10%}), and {@link InProcessCluster}'s.
 */
public final class DaemonSetScaleBench {

  private DaemonSetScaleBench() {}

  public static void main(String[] args) throws Exception {
    Clock clock = Clock.system();
    int nodes = Integer.getInteger("skiff.bench.nodes", 1_000);
    String maxUnavailable = System.getProperty("skiff.bench.maxUnavailable", "10%");
    long t = clock.nanoTime();
    try (InProcessCluster cluster = InProcessCluster.fromProperties(clock, nodes, 110)) {
      System.out.printf(
          "DaemonSetScaleBench: %d nodes (registered in %.1f s), maxUnavailable %s, %s store%n",
          nodes, seconds(clock.nanoTime() - t), maxUnavailable, cluster.backend());
      System.out.println("  " + InProcessCluster.jvm());
      Resources<DaemonSet> daemonSets = cluster.client().resources(DaemonSet.class);

      long t0 = clock.nanoTime();
      daemonSets.create(daemonSet(maxUnavailable, "nginx:1.23.1"));
      awaitRolledOut(cluster, daemonSets, 1, nodes);
      double create = seconds(clock.nanoTime() - t0);
      System.out.printf(
          "  create -> a Ready pod on each of %d nodes: %.1f s, %.0f pods/s%n",
          nodes, create, nodes / create);

      long t1 = clock.nanoTime();
      daemonSets.patch(
          "default",
          "bench",
          PatchType.STRATEGIC_MERGE_PATCH,
          InProcessCluster.imagePatch("agent", "nginx:1.25.3"));
      awaitRolledOut(cluster, daemonSets, 2, nodes);
      System.out.printf(
          "  rolling update (maxUnavailable %s) to completion: %.1f s%n",
          maxUnavailable, seconds(clock.nanoTime() - t1));
      System.out.println("  " + InProcessCluster.memory());
    }
  }

  private static DaemonSet daemonSet(String maxUnavailable, String image) {
    IntOrString max =
        maxUnavailable.endsWith("%")
            ? new IntOrString(maxUnavailable)
            : new IntOrString(Integer.parseInt(maxUnavailable));
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("bench")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(Map.of("app", "bench-agent"))
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(max)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withTemplate(InProcessCluster.podTemplate("bench-agent", "agent", image))
        .endSpec()
        .build();
  }

  /**
   * Waits until the daemon set has observed generation {@code generation} and has an updated,
   * available pod on every node and no other.
   */
  private static void awaitRolledOut(
      InProcessCluster cluster, Resources<DaemonSet> daemonSets, long generation, int nodes)
      throws InterruptedException {
    cluster.await(
        "rollout of generation " + generation,
        () -> {
          DaemonSetStatus s = daemonSets.get("default", "bench").orElseThrow().getStatus();
          return s != null
              && s.getObservedGeneration() != null
              && s.getObservedGeneration() >= generation
              && eq(s.getDesiredNumberScheduled(), nodes)
              && eq(s.getCurrentNumberScheduled(), nodes)
              && eq(s.getUpdatedNumberScheduled(), nodes)
              && eq(s.getNumberReady(), nodes)
              && eq(s.getNumberAvailable(), nodes);
        },
        () -> {
          DaemonSetStatus s = daemonSets.get("default", "bench").orElseThrow().getStatus();
          return s == null
              ? "no status"
              : String.format(
                  "desired %s, current %s, updated %s, ready %s, available %s",
                  s.getDesiredNumberScheduled(),
                  s.getCurrentNumberScheduled(),
                  s.getUpdatedNumberScheduled(),
                  s.getNumberReady(),
                  s.getNumberAvailable());
        });
  }
}
