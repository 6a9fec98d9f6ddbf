package io.skiff.api.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's tables: {@code TestTolerationToleratesTaint} ({@code k8s.io/api/core/v1}), {@code
 * TestFindMatchingUntoleratedTaint} ({@code component-helpers/scheduling/corev1}) and {@code
 * TestGetMatchingTolerations} ({@code pkg/apis/core/v1/helper}), with the comparison operators'
 * feature gate off, as it is by default.
 */
class TolerationsTest {

  private static Toleration toleration(String key, String operator, String value, String effect) {
    return new Toleration(effect, key, operator, null, value);
  }

  private static Taint taint(String key, String value, String effect) {
    return new Taint(effect, key, null, value);
  }

  static Stream<Arguments> tolerates() {
    return Stream.of(
        arguments(
            "same key and effect, Exists, taint without value",
            toleration("foo", "Exists", null, "NoSchedule"),
            taint("foo", null, "NoSchedule"),
            true),
        arguments(
            "same key and effect, Exists, taint with a value",
            toleration("foo", "Exists", null, "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true),
        arguments(
            "same effect, empty key with Exists matches every taint",
            toleration("", "Exists", null, "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true),
        arguments(
            "same key, effect and value, Equal",
            toleration("foo", "Equal", "bar", "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true),
        arguments(
            "same key and effect, other value, Equal",
            toleration("foo", "Equal", "value1", "NoSchedule"),
            taint("foo", "value2", "NoSchedule"),
            false),
        arguments(
            "same key and value, other effect, Equal",
            toleration("foo", "Equal", "bar", "NoSchedule"),
            taint("foo", "bar", "NoExecute"),
            false),
        arguments(
            "no operator means Equal",
            toleration("foo", null, "bar", "NoSchedule"),
            taint("foo", "bar", "NoSchedule"),
            true),
        arguments(
            "empty effect matches every effect",
            toleration("foo", "Exists", null, null),
            taint("foo", "bar", "NoExecute"),
            true),
        arguments(
            "another key",
            toleration("other", "Exists", null, null),
            taint("foo", "bar", "NoExecute"),
            false),
        arguments(
            "Equal compares a missing value as empty",
            toleration("foo", "Equal", "", "NoExecute"),
            taint("foo", null, "NoExecute"),
            true),
        arguments(
            "Gt tolerates nothing with the feature gate off, even a greater value",
            toleration("node.kubernetes.io/sla", "Gt", "750", "NoSchedule"),
            taint("node.kubernetes.io/sla", "950", "NoSchedule"),
            false),
        arguments(
            "Lt tolerates nothing with the feature gate off, even a lesser value",
            toleration("node.kubernetes.io/sla", "Lt", "950", "NoSchedule"),
            taint("node.kubernetes.io/sla", "800", "NoSchedule"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void tolerates(String name, Toleration toleration, Taint taint, boolean tolerated) {
    assertThat(Tolerations.tolerates(toleration, taint)).isEqualTo(tolerated);
    assertThat(Tolerations.tolerationsTolerateTaint(List.of(toleration), taint))
        .isEqualTo(tolerated);
  }

  @Test
  void anyToleratingTolerationWillDo() {
    Taint gpu = taint("dedicated", "gpu", "NoSchedule");
    assertThat(
            Tolerations.tolerationsTolerateTaint(
                List.of(
                    toleration("dedicated", "Equal", "cpu", null),
                    toleration("dedicated", "Equal", "gpu", null)),
                gpu))
        .isTrue();
    assertThat(Tolerations.tolerationsTolerateTaint(List.of(), gpu)).isFalse();
    assertThat(Tolerations.tolerationsTolerateTaint(null, gpu)).isFalse();
  }

  static Stream<Arguments> findMatchingUntoleratedTaint() {
    Predicate<Taint> all = t -> true;
    Toleration fooNoSchedule = toleration("foo", "Exists", null, "NoSchedule");
    return Stream.of(
        arguments("empty tolerations tolerate empty taints", List.of(), List.of(), all, null),
        arguments(
            "non-empty tolerations tolerate empty taints",
            List.of(fooNoSchedule),
            List.of(),
            all,
            null),
        arguments(
            "tolerations match all taints",
            List.of(fooNoSchedule),
            List.of(taint("foo", null, "NoSchedule")),
            all,
            null),
        arguments(
            "tolerations don't match taints, but no taint passes the filter",
            List.of(fooNoSchedule),
            List.of(taint("bar", null, "NoSchedule")),
            (Predicate<Taint>) t -> false,
            null),
        arguments(
            // Upstream's nil filter, which lets every taint through.
            "every taint passes the filter, and tolerations don't match them",
            List.of(fooNoSchedule),
            List.of(taint("bar", null, "NoSchedule")),
            all,
            taint("bar", null, "NoSchedule")),
        arguments(
            "tolerations match the taints the filter keeps",
            List.of(toleration("foo", "Exists", null, "NoExecute")),
            List.of(taint("foo", null, "NoExecute"), taint("bar", null, "NoSchedule")),
            (Predicate<Taint>) t -> "NoExecute".equals(t.getEffect()),
            null),
        arguments(
            "Gt with the feature gate off leaves the taint untolerated",
            List.of(toleration("node.kubernetes.io/sla", "Gt", "750", "NoSchedule")),
            List.of(taint("node.kubernetes.io/sla", "950", "NoSchedule")),
            all,
            taint("node.kubernetes.io/sla", "950", "NoSchedule")),
        arguments(
            "the first untolerated taint in the node's order",
            List.of(toleration("a", "Exists", null, null)),
            List.of(
                taint("a", "1", "NoSchedule"),
                taint("b", "2", "NoSchedule"),
                taint("c", "3", "NoExecute")),
            all,
            taint("b", "2", "NoSchedule")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void findMatchingUntoleratedTaint(
      String name,
      List<Toleration> tolerations,
      List<Taint> taints,
      Predicate<Taint> filter,
      Taint untolerated) {
    assertThat(Tolerations.findMatchingUntoleratedTaint(taints, tolerations, filter))
        .isEqualTo(Optional.ofNullable(untolerated));
  }

  @Test
  void nullTaintsAndTolerationsReadAsEmpty() {
    assertThat(Tolerations.findMatchingUntoleratedTaint(null, null, t -> true)).isEmpty();
    assertThat(
            Tolerations.findMatchingUntoleratedTaint(
                List.of(taint("foo", null, "NoSchedule")), null, t -> true))
        .contains(taint("foo", null, "NoSchedule"));
    assertThat(Tolerations.matchingTolerations(null, null)).contains(List.of());
  }

  static Stream<Arguments> matchingTolerations() {
    Taint one = taint("key1", "value1", "NoSchedule");
    Taint two = taint("key2", "value2", "NoSchedule");
    Toleration tolOne = toleration("key1", null, "value1", "NoSchedule");
    Toleration tolTwo = toleration("key2", null, "value2", "NoSchedule");
    Toleration brief = toleration("key1", "Exists", null, null);
    brief.setTolerationSeconds(10L);
    Toleration forever = toleration("key1", "Exists", null, null);
    return Stream.of(
        arguments("no taints", List.of(), List.of(tolOne), Optional.of(List.of())),
        arguments("no tolerations", List.of(one), List.of(), Optional.empty()),
        arguments(
            "every taint tolerated",
            List.of(one, two),
            List.of(tolOne, tolTwo),
            Optional.of(List.of(tolOne, tolTwo))),
        arguments(
            "no taint tolerated",
            List.of(one, two),
            List.of(
                toleration("key1", null, "value_1", "NoSchedule"),
                toleration("key2", null, "value_2", "NoSchedule")),
            Optional.empty()),
        arguments("one taint not tolerated", List.of(one, two), List.of(tolOne), Optional.empty()),
        arguments(
            "the first toleration matching a taint counts, not the most lenient",
            List.of(one),
            List.of(brief, forever),
            Optional.of(List.of(brief))),
        arguments(
            "one toleration may tolerate several taints",
            List.of(one, two),
            List.of(toleration(null, "Exists", null, null)),
            Optional.of(
                List.of(
                    toleration(null, "Exists", null, null),
                    toleration(null, "Exists", null, null)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void matchingTolerations(
      String name,
      List<Taint> taints,
      List<Toleration> tolerations,
      Optional<List<Toleration>> expected) {
    assertThat(Tolerations.matchingTolerations(taints, tolerations)).isEqualTo(expected);
  }
}
