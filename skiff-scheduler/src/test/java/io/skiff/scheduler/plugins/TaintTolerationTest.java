package io.skiff.scheduler.plugins;

import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import io.skiff.scheduler.framework.Status;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintTolerationTest {

  private final TaintToleration plugin = new TaintToleration();

  static Stream<Arguments> filter() {
    Node gpu = node("n").taint("dedicated", "gpu", "NoSchedule").build();
    return Stream.of(
        arguments("no taints", node("n").build(), pod("p").build(), Status.SUCCESS),
        arguments(
            "untolerated NoSchedule",
            gpu,
            pod("p").build(),
            Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}")),
        arguments(
            "untolerated NoExecute",
            node("n").taint("node.kubernetes.io/not-ready", null, "NoExecute").build(),
            pod("p").build(),
            Status.unresolvable("node(s) had untolerated taint {node.kubernetes.io/not-ready: }")),
        arguments(
            "PreferNoSchedule is left to the score",
            node("n").taint("soft", "x", "PreferNoSchedule").build(),
            pod("p").build(),
            Status.SUCCESS),
        arguments(
            "Equal with the same value",
            gpu,
            pod("p").toleration("dedicated", "Equal", "gpu", "NoSchedule").build(),
            Status.SUCCESS),
        arguments(
            "no operator means Equal",
            gpu,
            pod("p").toleration("dedicated", null, "gpu", "NoSchedule").build(),
            Status.SUCCESS),
        arguments(
            "Equal with another value",
            gpu,
            pod("p").toleration("dedicated", "Equal", "cpu", "NoSchedule").build(),
            Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}")),
        arguments(
            "Exists ignores the value",
            gpu,
            pod("p").toleration("dedicated", "Exists", null, "NoSchedule").build(),
            Status.SUCCESS),
        arguments(
            "empty effect matches every effect",
            gpu,
            pod("p").toleration("dedicated", "Exists", null, null).build(),
            Status.SUCCESS),
        arguments(
            "another effect does not match",
            gpu,
            pod("p").toleration("dedicated", "Exists", null, "NoExecute").build(),
            Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}")),
        arguments(
            "empty key with Exists tolerates everything",
            node("n").taint("a", "1", "NoSchedule").taint("b", "2", "NoExecute").build(),
            pod("p").toleration(null, "Exists", null, null).build(),
            Status.SUCCESS),
        arguments(
            "an unknown operator tolerates nothing",
            gpu,
            pod("p").toleration("dedicated", "Lt", "gpu", "NoSchedule").build(),
            Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}")),
        arguments(
            "the first untolerated taint in the node's order is reported",
            node("n")
                .taint("a", "1", "NoSchedule")
                .taint("b", "2", "NoSchedule")
                .taint("c", "3", "NoExecute")
                .build(),
            pod("p").toleration("a", "Exists", null, null).build(),
            Status.unresolvable("node(s) had untolerated taint {b: 2}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void filter(String name, Node node, Pod pod, Status expected) {
    assertThat(plugin.filter(PodInfo.of(pod), NodeInfo.of(node))).isEqualTo(expected);
  }

  static Stream<Arguments> score() {
    Node clean = node("clean").build();
    Node one = node("one").taint("soft", "a", "PreferNoSchedule").build();
    Node two =
        node("two")
            .taint("soft", "a", "PreferNoSchedule")
            .taint("other", "b", "PreferNoSchedule")
            .taint("hard", "c", "NoSchedule")
            .build();
    return Stream.of(
        arguments(
            "fewer untolerated PreferNoSchedule taints score higher",
            pod("p").build(),
            List.of(clean, one, two),
            new long[] {100, 50, 0}),
        arguments(
            "tolerated PreferNoSchedule taints do not count",
            pod("p").toleration("soft", "Exists", null, "PreferNoSchedule").build(),
            List.of(clean, one, two),
            new long[] {100, 100, 0}),
        arguments(
            "tolerations for other effects do not count",
            pod("p").toleration("soft", "Exists", null, "NoSchedule").build(),
            List.of(clean, one, two),
            new long[] {100, 50, 0}),
        arguments(
            "no such taints anywhere: every node 100",
            pod("p").build(),
            List.of(clean, node("x").build()),
            new long[] {100, 100}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void score(String name, Pod pod, List<Node> nodes, long[] expected) {
    List<NodeInfo> infos = nodes.stream().map(n -> NodeInfo.of(n)).toList();
    long[] scores = new long[infos.size()];
    plugin.score(PodInfo.of(pod), infos, infos, scores);
    assertThat(scores).as(Arrays.toString(scores)).containsExactly(expected);
  }

  static Stream<Arguments> hints() {
    Node tainted = node("n").taint("dedicated", "gpu", "NoSchedule").build();
    Node clean = node("n").build();
    Pod p = pod("p").build();
    return Stream.of(
        arguments("clean node added", new ClusterEvent.NodeAdded(clean), true),
        arguments("tainted node added", new ClusterEvent.NodeAdded(tainted), false),
        arguments("taint removed", new ClusterEvent.NodeUpdated(tainted, clean), true),
        arguments("taint added", new ClusterEvent.NodeUpdated(clean, tainted), false),
        arguments("no change", new ClusterEvent.NodeUpdated(tainted, tainted), false),
        arguments(
            "pod gained a toleration",
            new ClusterEvent.PodUpdated(
                p, pod("p").toleration("dedicated", "Exists", null, null).build()),
            true),
        arguments("pod unchanged", new ClusterEvent.PodUpdated(p, p), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hints(String name, ClusterEvent event, boolean requeue) {
    assertThat(plugin.isSchedulableAfter(PodInfo.of(pod("p").build()), event)).isEqualTo(requeue);
  }
}
