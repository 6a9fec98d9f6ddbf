package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Deployment controller against the in-process API server. No ReplicaSet controller runs: the
 * test plays it by writing ReplicaSet status, so that each step of a rollout is observable.
 */
class DeploymentControllerIT {

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess().controller(DeploymentController.NAME, DeploymentController::new);

  private Resources<Deployment> deployments;
  private Resources<ReplicaSet> replicaSets;

  @BeforeEach
  void resources() {
    deployments = cluster.resources(Deployment.class);
    replicaSets = cluster.resources(ReplicaSet.class);
  }

  private static Deployment web(String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(4)
        .withNewSelector()
        .withMatchLabels(Map.of("app", "web"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "web"))
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

  private List<ReplicaSet> sets() {
    return replicaSets.list("default", ListOptions.all()).items().stream()
        .sorted(
            Comparator.comparing(
                rs -> rs.getMetadata().getAnnotations().get(DeploymentUtil.REVISION)))
        .toList();
  }

  /** What the ReplicaSet controller reports once all of a set's replicas are available. */
  private void settle(ReplicaSet rs) {
    int n = DeploymentUtil.specReplicas(rs);
    replicaSets.patchStatus(
        "default",
        rs.getMetadata().getName(),
        PatchType.MERGE_PATCH,
        "{\"status\":{\"replicas\":"
            + n
            + ",\"readyReplicas\":"
            + n
            + ",\"availableReplicas\":"
            + n
            + ",\"observedGeneration\":"
            + rs.getMetadata().getGeneration()
            + "}}");
  }

  @Test
  void aRollingUpdateMovesReplicasToTheNewSetWithinTheBudget() {
    deployments.create(web("nginx:1.23.1"));

    await().atMost(Duration.ofSeconds(20)).until(() -> sets().size() == 1);
    ReplicaSet first = sets().getFirst();
    assertThat(first.getSpec().getReplicas()).isEqualTo(4);
    assertThat(first.getMetadata().getOwnerReferences().getFirst().getName()).isEqualTo("web");
    settle(first);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Deployment d = deployments.get("default", "web").orElseThrow();
              return d.getStatus() != null
                  && Integer.valueOf(4).equals(d.getStatus().getAvailableReplicas())
                  && d.getStatus().getConditions().stream()
                      .anyMatch(c -> "NewReplicaSetAvailable".equals(c.getReason()));
            });

    deployments.patch(
        "default",
        "web",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\"}]}}}}");

    // 25% of 4: one surge pod, so the new set starts at 1 beside the old 4.
    await().atMost(Duration.ofSeconds(20)).until(() -> sets().size() == 2);
    assertThat(sets().get(1).getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.REVISION, "2");
    assertThat(sets().stream().mapToInt(DeploymentUtil::specReplicas).sum()).isLessThanOrEqualTo(5);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "2"
                    .equals(
                        deployments
                            .get("default", "web")
                            .orElseThrow()
                            .getMetadata()
                            .getAnnotations()
                            .get(DeploymentUtil.REVISION)));

    // Play the ReplicaSet controller until the rollout ends.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ReplicaSet rs : sets()) {
                settle(rs);
              }
              List<ReplicaSet> now = sets();
              int total = now.stream().mapToInt(DeploymentUtil::specReplicas).sum();
              assertThat(total).isLessThanOrEqualTo(5);
              return now.get(0).getSpec().getReplicas() == 0
                  && now.get(1).getSpec().getReplicas() == 4;
            });
  }
}
