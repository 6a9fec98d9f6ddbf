package io.skiff.bench.workload;

import static io.skiff.bench.workload.InProcessCluster.eq;
import static io.skiff.bench.workload.InProcessCluster.seconds;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.util.Map;

/**
 * Issue 5's scale scenario: a Deployment of N replicas (10,000 by default) on M simulated nodes
 * (100) with the whole control plane in process ({@link InProcessCluster}): create → every pod
 * Ready (pods/s), then a full rolling update (seconds), with the peak heap. A plain main, not JMH:
 * the figure is the time of one large convergence.
 *
 * <p>System properties: {@code skiff.bench.replicas} (10000), {@code skiff.bench.nodes} (100),
 * {@code skiff.bench.rounds} (3: how many times to run the scenario in this JVM, each on a new
 * Deployment once the last one's pods are gone; the first round pays for the JIT's warmup, the last
 * shows a warm server), and {@link InProcessCluster}'s. Node capacity is raised to fit the replicas
 * ({@code pods} per node).
 */
public final class DeploymentScaleBench {

  /**
   * Round r creates with tag {@code 2r-2} and rolls to {@code 2r-1}: each round's images are new to
   * the nodes, so that every round pays for its pulls as the first did.
   */
  private static final String[] NGINX_TAGS = {
    "1.23.1", "1.25.3", "1.23.2", "1.25.4", "1.23.3", "1.25.5", "1.23.4", "1.26.0", "1.24.0",
    "1.26.1", "1.22.0", "1.26.2", "1.22.1", "1.26.3", "1.21.6", "1.27.0", "1.21.5", "1.27.1",
    "1.21.4", "1.27.2"
  };

  private DeploymentScaleBench() {}

  public static void main(String[] args) throws Exception {
    Clock clock = Clock.system();
    int replicas = Integer.getInteger("skiff.bench.replicas", 10_000);
    int nodes = Integer.getInteger("skiff.bench.nodes", 100);
    int rounds = Integer.getInteger("skiff.bench.rounds", 3);
    if (rounds < 1 || rounds > NGINX_TAGS.length / 2) {
      throw new IllegalArgumentException(
          "skiff.bench.rounds must be 1 to " + NGINX_TAGS.length / 2);
    }
    int podsPerNode = Math.max(110, replicas * 2 / nodes + 10);
    try (InProcessCluster cluster = InProcessCluster.fromProperties(clock, nodes, podsPerNode)) {
      System.out.printf(
          "DeploymentScaleBench: %d replicas on %d nodes, %s store, %d round(s)%n",
          replicas, nodes, cluster.backend(), rounds);
      System.out.println("  " + InProcessCluster.jvm());
      for (int round = 1; round <= rounds; round++) {
        System.out.printf(
            "round %d: %s, then %s%s%n",
            round,
            "nginx:" + NGINX_TAGS[2 * round - 2],
            "nginx:" + NGINX_TAGS[2 * round - 1],
            round == 1 ? " (a fresh JVM: the JIT compiles as it goes)" : "");
        round(
            cluster,
            clock,
            "bench-" + round,
            replicas,
            "nginx:" + NGINX_TAGS[2 * round - 2],
            "nginx:" + NGINX_TAGS[2 * round - 1],
            round < rounds);
      }
    }
  }

  /**
   * One create → Ready → rolling update of a Deployment {@code name}; with {@code cleanUp}, then
   * deletes it and waits until its pods are gone, so that the next round starts from empty nodes.
   */
  private static void round(
      InProcessCluster cluster,
      Clock clock,
      String name,
      int replicas,
      String image,
      String nextImage,
      boolean cleanUp)
      throws InterruptedException {
    Resources<Deployment> deployments = cluster.client().resources(Deployment.class);
    InProcessCluster.Work w0 = cluster.work();
    long t0 = clock.nanoTime();
    deployments.create(deployment(name, replicas, image));
    awaitRolledOut(cluster, deployments, name, 1, replicas);
    double create = seconds(clock.nanoTime() - t0);
    System.out.printf(
        "  create -> all %d Ready: %.1f s, %.0f pods/s%n", replicas, create, replicas / create);
    InProcessCluster.Work w1 = cluster.work();
    System.out.println("    " + w1.since(w0, replicas));

    long t1 = clock.nanoTime();
    deployments.patch(
        "default",
        name,
        PatchType.STRATEGIC_MERGE_PATCH,
        InProcessCluster.imagePatch("nginx", nextImage));
    awaitRolledOut(cluster, deployments, name, 2, replicas);
    System.out.printf(
        "  rolling update (25%%/25%%) to completion: %.1f s%n", seconds(clock.nanoTime() - t1));
    System.out.println("    " + cluster.work().since(w1, replicas));
    System.out.println("  " + InProcessCluster.memory());
    if (!cleanUp) {
      return;
    }
    long t2 = clock.nanoTime();
    deployments.delete("default", name, new DeleteOptions());
    Resources<Pod> pods = cluster.client().resources(Pod.class);
    ListOptions one = ListOptions.labelSelector("app=" + name).withLimit(1);
    cluster.await(
        "deletion of " + name,
        () -> pods.list("default", one).items().isEmpty(),
        () -> "pods of " + name + " remain");
    System.out.printf("  delete -> no pods left: %.1f s%n", seconds(clock.nanoTime() - t2));
  }

  private static Deployment deployment(String name, int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withTemplate(InProcessCluster.podTemplate(name, "nginx", image))
        .endSpec()
        .build();
  }

  /** Waits until the deployment has observed generation {@code generation} and is complete. */
  private static void awaitRolledOut(
      InProcessCluster cluster,
      Resources<Deployment> deployments,
      String name,
      long generation,
      int replicas)
      throws InterruptedException {
    cluster.await(
        "rollout of generation " + generation,
        () -> {
          DeploymentStatus s = deployments.get("default", name).orElseThrow().getStatus();
          return s != null
              && s.getObservedGeneration() != null
              && s.getObservedGeneration() >= generation
              && eq(s.getUpdatedReplicas(), replicas)
              && eq(s.getReplicas(), replicas)
              && eq(s.getAvailableReplicas(), replicas);
        },
        () -> {
          DeploymentStatus s = deployments.get("default", name).orElseThrow().getStatus();
          return s == null
              ? "no status"
              : String.format(
                  "replicas %s, updated %s, ready %s, available %s",
                  s.getReplicas(),
                  s.getUpdatedReplicas(),
                  s.getReadyReplicas(),
                  s.getAvailableReplicas());
        });
  }
}
