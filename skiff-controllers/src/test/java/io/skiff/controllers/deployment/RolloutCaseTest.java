package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.controllers.deployment.RolloutCase.ChangeTemplate;
import io.skiff.controllers.deployment.RolloutCase.Pause;
import io.skiff.controllers.deployment.RolloutCase.Resume;
import io.skiff.controllers.deployment.RolloutCase.Scale;
import io.skiff.controllers.deployment.RolloutCase.Step;
import io.skiff.controllers.deployment.RolloutCase.Template;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The case generator of {@link RolloutBoundsPropertyIT}: reproducible, valid, varied. */
class RolloutCaseTest {

  private static final int SEEDS = 2_000;

  @Test
  void aSeedAlwaysGivesTheSameCase() {
    for (long seed = 0; seed < 50; seed++) {
      assertThat(RolloutCase.generate(seed)).isEqualTo(RolloutCase.generate(seed));
    }
    assertThat(RolloutCase.generate(1)).isNotEqualTo(RolloutCase.generate(2));
  }

  @Test
  void everyCaseIsOneTheApiAcceptsAndEndsUnpaused() {
    for (long seed = 0; seed < SEEDS; seed++) {
      RolloutCase c = RolloutCase.generate(seed);
      String why = "seed " + seed + ": " + c.describe();
      assertThat(c.replicas()).as(why).isBetween(0, RolloutCase.MAX_REPLICAS);
      if (c.strategy().rolling()) {
        // Validation: "may not be 0 when maxSurge is 0".
        assertThat(c.strategy().maxSurge().isZero() && c.strategy().maxUnavailable().isZero())
            .as(why)
            .isFalse();
      }
      assertThat(c.steps().size()).as(why).isBetween(2, 7);
      boolean paused = false;
      int size = c.replicas();
      Set<Integer> versions = new HashSet<>(Set.of(c.template().version()));
      for (Step step : c.steps()) {
        if (step.gapMillis() == Step.UNTIL_COMPLETE) {
          assertThat(paused).as("a paused rollout never completes; " + why).isFalse();
        }
        switch (step.op()) {
          case Pause p -> {
            assertThat(paused).as(why).isFalse();
            paused = true;
          }
          case Resume r -> {
            assertThat(paused).as(why).isTrue();
            paused = false;
          }
          case Scale s -> {
            assertThat(s.replicas())
                .as(why)
                .isBetween(0, RolloutCase.MAX_REPLICAS)
                .isNotEqualTo(size);
            size = s.replicas();
          }
          case ChangeTemplate t -> {
            Template to = t.to();
            if (t.why().startsWith("rollback")) {
              assertThat(versions).as(why).contains(to.version());
            } else {
              assertThat(versions.add(to.version())).as("a new template is new; " + why).isTrue();
            }
            assertThat(to.readyDelayMillis()).as(why).isBetween(0, 300);
          }
        }
      }
      assertThat(paused).as(why).isFalse();
    }
  }

  @Test
  void theCasesCoverEveryKindOfStepAndStrategy() {
    Set<String> seen = new HashSet<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      RolloutCase c = RolloutCase.generate(seed);
      seen.add(c.strategy().rolling() ? "rolling" : "recreate");
      seen.add(c.strategy().maxSurge().percent() ? "surge %" : "surge count");
      seen.add(c.strategy().maxUnavailable().percent() ? "unavailable %" : "unavailable count");
      if (c.minReadySeconds() > 0) {
        seen.add("minReadySeconds");
      }
      if (c.replicas() == 0) {
        seen.add("no replicas");
      }
      Step previous = null;
      for (Step step : c.steps()) {
        switch (step.op()) {
          case Pause p -> seen.add("pause");
          case Resume r -> seen.add("resume");
          case Scale s -> seen.add(s.subresource() ? "scale subresource" : "scale patch");
          case ChangeTemplate t -> {
            seen.add(t.why().startsWith("rollback") ? "rollback" : "template " + t.why());
            if (previous != null && previous.op() instanceof Pause) {
              seen.add("template while paused");
            }
            if (previous != null
                && previous.op() instanceof ChangeTemplate
                && step.gapMillis() != Step.UNTIL_COMPLETE
                && step.gapMillis() < 60) {
              seen.add("rollover");
            }
          }
        }
        if (step.gapMillis() == Step.UNTIL_COMPLETE) {
          seen.add("until complete");
        }
        previous = step;
      }
    }
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "rolling",
            "recreate",
            "surge %",
            "surge count",
            "unavailable %",
            "unavailable count",
            "minReadySeconds",
            "no replicas",
            "pause",
            "resume",
            "scale subresource",
            "scale patch",
            "rollback",
            "template image",
            "template env",
            "template timings",
            "template while paused",
            "rollover",
            "until complete");
  }
}
