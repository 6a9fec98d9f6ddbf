package io.skiff.scheduler.plugins;

import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BalancedAllocationTest {

  private final BalancedAllocation plugin = new BalancedAllocation();

  static Stream<Arguments> score() {
    NodeInfo a = NodeInfo.of(node("a").cpu("4").memory("4Gi").build());
    NodeInfo b = NodeInfo.of(node("b").cpu("4").memory("16Gi").build());
    return Stream.of(
        arguments(
            "equal shares of cpu and memory: 100; unequal: 100 * (1 - |diff| / 2)",
            pod("p").cpu("1").memory("1Gi").build(),
            List.of(a, b),
            // a: 0.25 / 0.25 -> 100; b: 0.25 / 0.0625 -> std 0.09375 -> 90
            new long[] {100, 90}),
        arguments(
            "pods on the node count with their real requests",
            pod("p").cpu("1").memory("1Gi").build(),
            List.of(
                NodeInfo.of(
                    node("a").cpu("4").memory("4Gi").build(),
                    PodInfo.of(pod("x").cpu("2").nodeName("a").build()))),
            // 0.75 / 0.25 -> std 0.25 -> 75
            new long[] {75}),
        arguments(
            "fractions above 1 count as 1",
            pod("p").cpu("8").memory("1Gi").build(),
            List.of(a),
            // 1 / 0.25 -> std 0.375 -> 62
            new long[] {62}),
        arguments(
            "best-effort pods are not scored", pod("p").build(), List.of(a, b), new long[] {0, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void score(String name, Pod pod, List<NodeInfo> nodes, long[] expected) {
    long[] scores = new long[nodes.size()];
    plugin.score(PodInfo.of(pod), nodes, nodes, scores);
    assertThat(scores).as(Arrays.toString(scores)).containsExactly(expected);
  }
}
