package io.skiff.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which of a pod's own tolerations keep the default NoExecute tolerations away. */
class DefaultTolerationSecondsTest {

  private static final String NOT_READY = DefaultTolerationSeconds.NOT_READY;
  private static final String UNREACHABLE = DefaultTolerationSeconds.UNREACHABLE;

  private static Toleration toleration(String key, String operator, String value, String effect) {
    return new Toleration(effect, key, operator, null, value);
  }

  private static List<String> addedKeys(Toleration... own) {
    Pod pod = new PodBuilder().withNewSpec().withTolerations(own).endSpec().build();
    new DefaultTolerationSeconds(10, 20).admit(pod);
    return pod.getSpec().getTolerations().stream()
        .skip(own.length)
        .map(Toleration::getKey)
        .toList();
  }

  static Stream<Arguments> ownTolerations() {
    return Stream.of(
        arguments("none", List.of(), List.of(NOT_READY, UNREACHABLE)),
        arguments(
            "Exists without a key tolerates both",
            List.of(toleration(null, "Exists", null, null)),
            List.of()),
        arguments(
            "Exists without a key, for NoExecute",
            List.of(toleration(null, "Exists", null, "NoExecute")),
            List.of()),
        arguments(
            "Exists without a key, for NoSchedule only",
            List.of(toleration(null, "Exists", null, "NoSchedule")),
            List.of(NOT_READY, UNREACHABLE)),
        arguments(
            "the not-ready key with Exists",
            List.of(toleration(NOT_READY, "Exists", null, "NoExecute")),
            List.of(UNREACHABLE)),
        arguments(
            "the unreachable key, any effect",
            List.of(toleration(UNREACHABLE, "Exists", null, null)),
            List.of(NOT_READY)),
        arguments(
            "the not-ready key with Equal and no value",
            List.of(toleration(NOT_READY, "Equal", null, "NoExecute")),
            List.of(UNREACHABLE)),
        arguments(
            "the not-ready key with Equal and a value the taint has not: upstream looks only at"
                + " the key and the effect",
            List.of(toleration(NOT_READY, "Equal", "x", "NoExecute")),
            List.of(UNREACHABLE)),
        arguments(
            "the unreachable key, for NoSchedule only",
            List.of(toleration(UNREACHABLE, "Exists", null, "NoSchedule")),
            List.of(NOT_READY, UNREACHABLE)),
        arguments(
            "another key",
            List.of(toleration("dedicated", "Exists", null, "NoExecute")),
            List.of(NOT_READY, UNREACHABLE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void ownTolerations(String name, List<Toleration> own, List<String> added) {
    assertThat(addedKeys(own.toArray(Toleration[]::new))).isEqualTo(added);
  }

  @Test
  void theDefaultsAreExistsForNoExecuteWithTheConfiguredSeconds() {
    Pod pod = new PodBuilder().withNewSpec().endSpec().build();
    new DefaultTolerationSeconds(10, 20).admit(pod);
    assertThat(pod.getSpec().getTolerations())
        .containsExactly(
            new Toleration("NoExecute", NOT_READY, "Exists", 10L, null),
            new Toleration("NoExecute", UNREACHABLE, "Exists", 20L, null));
  }
}
