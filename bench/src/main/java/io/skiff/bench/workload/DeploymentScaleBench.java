package io.skiff.bench.workload;

import static io.skiff.bench.workload.InProcessCluster.eq;
import static io.skiff.bench.workload.InProcessCluster.seconds;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.skiff.api.patch.PatchType;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.util.Map;

/**
 * Issue 5's scale scenario: a Deployment of N replicas (10,000 by default) on M simulated nodes
 * (100) with the whole control plane in process ({@link InProcessCluster}): create → every pod
 * Ready (pods/s), then a full rolling update (seconds), with the peak heap. A plain main, not JMH:
 * the figure is the time of one large convergence.
 *
 * <p>System properties: {@code skiff.bench.replicas} (10000), {@code skiff.bench.nodes} (100), and
 * {@link InProcessCluster}'s. Node capacity is raised to fit the replicas ({@code pods} per node).
 */
public final class DeploymentScaleBench {

  private DeploymentScaleBench() {}

  public static void main(String[] args) throws Exception {
    Clock clock = Clock.system();
    int replicas = Integer.getInteger("skiff.bench.replicas", 10_000);
    int nodes = Integer.getInteger("skiff.bench.nodes", 100);
    int podsPerNode = Math.max(110, replicas * 2 / nodes + 10);
    try (InProcessCluster cluster = InProcessCluster.fromProperties(clock, nodes, podsPerNode)) {
      Resources<Deployment> deployments = cluster.client().resources(Deployment.class);
      System.out.printf(
          "DeploymentScaleBench: %d replicas on %d nodes, %s store%n",
          replicas, nodes, cluster.backend());

      InProcessCluster.Work w0 = cluster.work();
      long t0 = clock.nanoTime();
      deployments.create(deployment(replicas, "nginx:1.23.1"));
      awaitRolledOut(cluster, deployments, 1, replicas);
      double create = seconds(clock.nanoTime() - t0);
      System.out.printf(
          "  create -> all %d Ready: %.1f s, %.0f pods/s%n", replicas, create, replicas / create);
      InProcessCluster.Work w1 = cluster.work();
      System.out.println("    " + w1.since(w0, replicas));

      long t1 = clock.nanoTime();
      deployments.patch(
          "default",
          "bench",
          PatchType.STRATEGIC_MERGE_PATCH,
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
              + "\"image\":\"nginx:1.25.3\"}]}}}}");
      awaitRolledOut(cluster, deployments, 2, replicas);
      System.out.printf(
          "  rolling update (25%%/25%%) to completion: %.1f s%n", seconds(clock.nanoTime() - t1));
      System.out.println("    " + cluster.work().since(w1, replicas));
      System.out.println("  " + InProcessCluster.memory());
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

  /** Waits until the deployment has observed generation {@code generation} and is complete. */
  private static void awaitRolledOut(
      InProcessCluster cluster, Resources<Deployment> deployments, long generation, int replicas)
      throws InterruptedException {
    cluster.await(
        "rollout of generation " + generation,
        () -> {
          DeploymentStatus s = deployments.get("default", "bench").orElseThrow().getStatus();
          return s != null
              && s.getObservedGeneration() != null
              && s.getObservedGeneration() >= generation
              && eq(s.getUpdatedReplicas(), replicas)
              && eq(s.getReplicas(), replicas)
              && eq(s.getAvailableReplicas(), replicas);
        },
        () -> {
          DeploymentStatus s = deployments.get("default", "bench").orElseThrow().getStatus();
          return s == null
              ? "no status"
              : String.format(
                  "replicas %s, updated %s, available %s",
                  s.getReplicas(), s.getUpdatedReplicas(), s.getAvailableReplicas());
        });
  }
}
