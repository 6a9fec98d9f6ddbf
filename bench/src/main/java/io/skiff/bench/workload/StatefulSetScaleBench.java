package io.skiff.bench.workload;

import static io.skiff.bench.workload.InProcessCluster.eq;
import static io.skiff.bench.workload.InProcessCluster.seconds;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.skiff.api.patch.PatchType;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Issue 6's StatefulSet figure: a StatefulSet of N replicas (1,000 by default) with {@code
 * podManagementPolicy: Parallel} on M simulated nodes (50), the whole control plane in process
 * ({@link InProcessCluster}): create → every pod Ready (seconds, pods/s), with the peak heap and
 * RSS. Optionally each pod has a claim from {@code volumeClaimTemplates}, bound by the simulation
 * (then also: create → every claim Bound), and optionally a rolling update of the image follows,
 * which upstream does one pod at a time (MaxUnavailableStatefulSet is alpha and off), so it takes
 * about N × (stop + start) and is off by default.
 *
 * <p>System properties: {@code skiff.bench.replicas} (1000), {@code skiff.bench.nodes} (50), {@code
 * skiff.bench.claims} ({@code false}), {@code skiff.bench.update} ({@code false}), and {@link
 * InProcessCluster}'s.
 */
public final class StatefulSetScaleBench {

  private StatefulSetScaleBench() {}

  public static void main(String[] args) throws Exception {
    Clock clock = Clock.system();
    int replicas = Integer.getInteger("skiff.bench.replicas", 1_000);
    int nodes = Integer.getInteger("skiff.bench.nodes", 50);
    boolean claims = Boolean.getBoolean("skiff.bench.claims");
    boolean update = Boolean.getBoolean("skiff.bench.update");
    int podsPerNode = Math.max(110, replicas * 2 / nodes + 10);
    try (InProcessCluster cluster = InProcessCluster.fromProperties(clock, nodes, podsPerNode)) {
      System.out.printf(
          "StatefulSetScaleBench: %d replicas (Parallel%s) on %d nodes, %s store%n",
          replicas, claims ? ", a claim each" : "", nodes, cluster.backend());
      System.out.println("  " + InProcessCluster.jvm());
      Resources<StatefulSet> sets = cluster.client().resources(StatefulSet.class);
      Resources<PersistentVolumeClaim> pvcs =
          cluster.client().resources(PersistentVolumeClaim.class);

      long t0 = clock.nanoTime();
      sets.create(statefulSet(replicas, "nginx:1.23.1", claims));
      awaitRolledOut(cluster, sets, 1, replicas);
      double create = seconds(clock.nanoTime() - t0);
      System.out.printf(
          "  create -> all %d Ready: %.1f s, %.0f pods/s%n", replicas, create, replicas / create);
      if (claims) {
        cluster.await(
            "claims bound",
            () -> bound(pvcs) == replicas,
            () -> bound(pvcs) + " of " + replicas + " claims bound");
        System.out.printf(
            "  create -> all %d claims Bound: %.1f s%n", replicas, seconds(clock.nanoTime() - t0));
      }

      if (update) {
        long t1 = clock.nanoTime();
        sets.patch(
            "default",
            "bench",
            PatchType.STRATEGIC_MERGE_PATCH,
            InProcessCluster.imagePatch("nginx", "nginx:1.25.3"));
        awaitRolledOut(cluster, sets, 2, replicas);
        System.out.printf(
            "  rolling update (one pod at a time) to completion: %.1f s%n",
            seconds(clock.nanoTime() - t1));
      }
      System.out.println("  " + InProcessCluster.memory());
    }
  }

  private static long bound(Resources<PersistentVolumeClaim> pvcs) {
    return pvcs.list("default", null).items().stream()
        .filter(c -> c.getStatus() != null && "Bound".equals(c.getStatus().getPhase()))
        .count();
  }

  private static StatefulSet statefulSet(int replicas, String image, boolean claims) {
    List<PersistentVolumeClaim> templates =
        claims
            ? List.of(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("data")
                    .endMetadata()
                    .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withNewResources()
                    .addToRequests("storage", new Quantity("1Gi"))
                    .endResources()
                    .endSpec()
                    .build())
            : List.of();
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("bench")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName("bench")
        .withPodManagementPolicy("Parallel")
        .withNewSelector()
        .withMatchLabels(Map.of("app", "bench"))
        .endSelector()
        .withTemplate(InProcessCluster.podTemplate("bench", "nginx", image))
        .withVolumeClaimTemplates(templates)
        .endSpec()
        .build();
  }

  /**
   * Waits until the set has observed generation {@code generation}, every replica is ready on the
   * update revision, and that revision is the current one.
   */
  private static void awaitRolledOut(
      InProcessCluster cluster, Resources<StatefulSet> sets, long generation, int replicas)
      throws InterruptedException {
    cluster.await(
        "rollout of generation " + generation,
        () -> {
          StatefulSetStatus s = sets.get("default", "bench").orElseThrow().getStatus();
          return s != null
              && s.getObservedGeneration() != null
              && s.getObservedGeneration() >= generation
              && eq(s.getReplicas(), replicas)
              && eq(s.getReadyReplicas(), replicas)
              && eq(s.getAvailableReplicas(), replicas)
              && eq(s.getUpdatedReplicas(), replicas)
              && s.getUpdateRevision() != null
              && Objects.equals(s.getCurrentRevision(), s.getUpdateRevision());
        },
        () -> {
          StatefulSetStatus s = sets.get("default", "bench").orElseThrow().getStatus();
          return s == null
              ? "no status"
              : String.format(
                  "replicas %s, ready %s, available %s, updated %s",
                  s.getReplicas(),
                  s.getReadyReplicas(),
                  s.getAvailableReplicas(),
                  s.getUpdatedReplicas());
        });
  }
}
