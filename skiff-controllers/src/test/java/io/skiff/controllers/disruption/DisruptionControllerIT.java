package io.skiff.controllers.disruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.skiff.api.errors.StatusError;
import io.skiff.client.Resources;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.testcluster.RunningCluster;
import io.skiff.controllers.testing.Ticking;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The disruption controller over the in-process API server: the budget's status it keeps is what
 * the eviction subresource (and so {@code kubectl drain}) obeys.
 */
class DisruptionControllerIT {

  private static final Map<String, String> LABELS = Map.of("app", "web");

  // How far the clock moves per poll while a test waits (see Ticking): far below the two minutes
  // an evicted pod stays in disruptedPods.
  private static final Duration STEP = Duration.ofMillis(10);

  private final ManualClock clock = new ManualClock();

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess()
          .clock(clock)
          .controller(DisruptionController.NAME, DisruptionController::new);

  private Resources<Pod> pods;
  private Resources<PodDisruptionBudget> budgets;

  @BeforeEach
  void resources() {
    pods = cluster.resources(Pod.class);
    budgets = cluster.resources(PodDisruptionBudget.class);
  }

  private void readyPod(String name) {
    Pod created =
        pods.create(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withLabels(LABELS)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .build());
    pods.updateStatus(
        new PodBuilder(created)
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build());
  }

  private PodDisruptionBudgetStatus status() {
    return budgets.get("default", "web").orElseThrow().getStatus();
  }

  private void evict(String name) {
    Eviction eviction =
        new EvictionBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .build();
    pods.createSubresource("default", name, "eviction", eviction);
  }

  @Test
  void theBudgetStatusAllowsOneEvictionAndThenNone() {
    for (String name : new String[] {"a", "b", "c"}) {
      readyPod(name);
    }
    budgets.create(
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withMinAvailable(new IntOrString(2))
            .withSelector(new LabelSelectorBuilder().withMatchLabels(LABELS).build())
            .endSpec()
            .build());

    Ticking.awaitUntil(
        clock,
        STEP,
        () -> status() != null && Integer.valueOf(1).equals(status().getDisruptionsAllowed()));
    PodDisruptionBudgetStatus s = status();
    assertThat(s.getCurrentHealthy()).isEqualTo(3);
    assertThat(s.getDesiredHealthy()).isEqualTo(2);
    assertThat(s.getExpectedPods()).isEqualTo(3);
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
    assertThat(s.getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("DisruptionAllowed");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("SufficientPods");
            });

    evict("a");

    Ticking.awaitUntil(
        clock,
        STEP,
        () ->
            pods.get("default", "a").isEmpty()
                && Integer.valueOf(2).equals(status().getCurrentHealthy())
                && Integer.valueOf(2).equals(status().getExpectedPods()));
    assertThat(status().getDisruptionsAllowed()).isZero();
    assertThat(status().getDisruptedPods()).as("the evicted pod is gone").isNullOrEmpty();
    assertThat(status().getConditions().getFirst().getReason()).isEqualTo("InsufficientPods");

    assertThatThrownBy(() -> evict("b"))
        .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(429));
  }
}
