package io.skiff.controllers.nodelifecycle;

import static io.skiff.controllers.nodelifecycle.NodeFixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Upstream's toleration matching and minimum toleration time. */
class TaintsTest {

  private static final Taint UNREACHABLE = new Taint("NoExecute", Taints.UNREACHABLE, null, null);
  private static final Taint DEDICATED = new Taint("NoExecute", "dedicated", null, "gpu");

  private static Toleration equal(String key, String value) {
    Toleration t = toleration(key, "Equal", null);
    t.setValue(value);
    return t;
  }

  @Test
  void matching() {
    assertThat(Taints.tolerates(toleration("", "Exists", null), DEDICATED)).isTrue();
    assertThat(Taints.tolerates(equal("dedicated", "gpu"), DEDICATED)).isTrue();
    assertThat(Taints.tolerates(equal("dedicated", "cpu"), DEDICATED)).isFalse();
    assertThat(Taints.tolerates(toleration("other", "Exists", null), DEDICATED)).isFalse();
    Toleration noSchedule = toleration("dedicated", "Exists", null);
    noSchedule.setEffect("NoSchedule");
    assertThat(Taints.tolerates(noSchedule, DEDICATED)).isFalse();
    Toleration anyEffect = toleration("dedicated", "Exists", null);
    anyEffect.setEffect(null);
    assertThat(Taints.tolerates(anyEffect, DEDICATED)).isTrue();
    Toleration emptyOperator = equal("dedicated", "gpu");
    emptyOperator.setOperator(null);
    assertThat(Taints.tolerates(emptyOperator, DEDICATED)).isTrue();
  }

  @Test
  void tolerationTime() {
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
