package io.skiff.controllers.nodelifecycle;

import static io.skiff.controllers.nodelifecycle.NodeFixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Taint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Upstream's minimum toleration time; which toleration matches which taint is {@code
 * io.skiff.api.scheduling.TolerationsTest}'s.
 */
class TaintsTest {

  private static final Taint UNREACHABLE = new Taint("NoExecute", Taints.UNREACHABLE, null, null);
  private static final Taint DEDICATED = new Taint("NoExecute", "dedicated", null, "gpu");

  @Test
  void tolerationTime() {
    assertThat(Taints.tolerationTime(List.of(), List.of())).isEqualTo(Optional.empty());
    assertThat(Taints.tolerationTime(List.of(), List.of(UNREACHABLE))).contains(Duration.ZERO);
    assertThat(
            Taints.tolerationTime(
                List.of(toleration(Taints.UNREACHABLE, "Exists", 300L)), List.of(UNREACHABLE)))
        .contains(Duration.ofSeconds(300));
    assertThat(
            Taints.tolerationTime(
                List.of(toleration(Taints.UNREACHABLE, "Exists", null)), List.of(UNREACHABLE)))
        .isEqualTo(Optional.empty());
    assertThat(
            Taints.tolerationTime(
                List.of(toleration(Taints.UNREACHABLE, "Exists", -5L)), List.of(UNREACHABLE)))
        .contains(Duration.ZERO);
    // One taint not tolerated evicts at once, whatever the others allow.
    assertThat(
            Taints.tolerationTime(
                List.of(toleration(Taints.UNREACHABLE, "Exists", null)),
                List.of(UNREACHABLE, DEDICATED)))
        .contains(Duration.ZERO);
    // Only the first toleration matching a taint counts, as upstream.
    assertThat(
            Taints.tolerationTime(
                List.of(
                    toleration(Taints.UNREACHABLE, "Exists", 10L),
                    toleration(Taints.UNREACHABLE, "Exists", null)),
                List.of(UNREACHABLE)))
        .contains(Duration.ofSeconds(10));
  }
}
