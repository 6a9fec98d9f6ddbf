package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodUtilTest {

  static final Instant NOW = Instant.parse("2024-01-01T00:01:00Z");

  static Pod readySince(String since, String status) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(status)
        .withLastTransitionTime(since)
        .endCondition()
        .endStatus()
        .build();
  }

  /** Upstream's TestIsPodAvailable, plus the strictly-before boundary. */
  @ParameterizedTest(name = "ready since {0} ({1}), minReadySeconds {2} → {3}")
  @CsvSource({
    "2024-01-01T00:01:00Z, True, 0, true",
    "2024-01-01T00:00:59Z, True, 1, false",
    "2024-01-01T00:00:00Z, True, 60, false",
    "2024-01-01T00:00:00Z, True, 59, true",
    "2023-12-31T23:59:00Z, True, 60, true",
    "2023-12-31T23:59:00Z, False, 0, false",
    "'', True, 1, false",
    "'', True, 0, true",
  })
  void availableOnlyWhenReadyStrictlyLongerThanMinReadySeconds(
      String since, String status, int minReadySeconds, boolean available) {
    Pod pod = readySince(since.isEmpty() ? null : since, status);
    assertThat(PodUtil.isPodAvailable(pod, minReadySeconds, NOW)).isEqualTo(available);
  }

  /** Upstream's GetDeletionCostFromPodAnnotations: int32 with no sign or leading zeros. */
  @ParameterizedTest(name = "\"{0}\" → {1}")
  @CsvSource({
    "10, 10",
    "-10, -10",
    "0, 0",
    "+10, 0",
    "010, 0",
    "2147483647, 2147483647",
    "2147483648, 0",
    "abc, 0",
  })
  void deletionCostIsAnInt32AnnotationDefaultingToZero(String value, int cost) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withAnnotations(Map.of(PodUtil.POD_DELETION_COST, value))
            .endMetadata()
            .build();
    assertThat(PodUtil.deletionCost(pod)).isEqualTo(cost);
  }

  @ParameterizedTest(name = "phase {0}, deleting {1} → active {2}")
  @CsvSource({
    "Pending, false, true",
    "Running, false, true",
    "Unknown, false, true",
    "Succeeded, false, false",
    "Failed, false, false",
    "Running, true, false",
  })
  void activePodsAreNeitherTerminalNorBeingDeleted(String phase, boolean deleting, boolean active) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withDeletionTimestamp(deleting ? "2024-01-01T00:00:00Z" : null)
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .endStatus()
            .build();
    assertThat(PodUtil.isPodActive(pod)).isEqualTo(active);
    assertThat(PodUtil.isPodTerminating(pod))
        .isEqualTo(deleting && !phase.equals("Succeeded") && !phase.equals("Failed"));
  }
}
