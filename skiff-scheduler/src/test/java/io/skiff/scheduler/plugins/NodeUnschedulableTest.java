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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeUnschedulableTest {

  private final NodeUnschedulable plugin = new NodeUnschedulable();
  private static final Status CORDONED = Status.unresolvable("node(s) were unschedulable");

  static Stream<Arguments> filter() {
    Node cordoned = node("n").unschedulable().build();
    return Stream.of(
        arguments("schedulable node", node("n").build(), pod("p").build(), Status.SUCCESS),
        arguments("cordoned node", cordoned, pod("p").build(), CORDONED),
        arguments(
            "tolerates the unschedulable taint",
            cordoned,
            pod("p")
                .toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule")
                .build(),
            Status.SUCCESS),
        arguments(
            "tolerates every taint (empty key, Exists)",
            cordoned,
            pod("p").toleration(null, "Exists", null, null).build(),
            Status.SUCCESS),
        arguments(
            "tolerates the key with an empty value (Equal)",
            cordoned,
            pod("p")
                .toleration("node.kubernetes.io/unschedulable", "Equal", "", "NoSchedule")
                .build(),
            Status.SUCCESS),
        arguments(
            "toleration of the wrong effect",
            cordoned,
            pod("p")
                .toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoExecute")
                .build(),
            CORDONED),
        arguments(
            "toleration of another key",
            cordoned,
            pod("p").toleration("other", "Exists", null, null).build(),
            CORDONED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void filter(String name, Node node, Pod pod, Status expected) {
    assertThat(plugin.filter(PodInfo.of(pod), NodeInfo.of(node))).isEqualTo(expected);
  }

  static Stream<Arguments> hints() {
    Node open = node("n").build();
    Node cordoned = node("n").unschedulable().build();
    Pod p = pod("p").build();
    return Stream.of(
        arguments("schedulable node added", new ClusterEvent.NodeAdded(open), true),
        arguments("cordoned node added", new ClusterEvent.NodeAdded(cordoned), false),
        arguments("node uncordoned", new ClusterEvent.NodeUpdated(cordoned, open), true),
        arguments("node cordoned", new ClusterEvent.NodeUpdated(open, cordoned), false),
        arguments("node stays schedulable", new ClusterEvent.NodeUpdated(open, open), false),
        arguments(
            "pod now tolerates the cordon",
            new ClusterEvent.PodUpdated(
                p,
                pod("p")
                    .toleration("node.kubernetes.io/unschedulable", "Exists", null, null)
                    .build()),
            true),
        arguments("pod changed otherwise", new ClusterEvent.PodUpdated(p, p), false),
        arguments("assigned pod deleted", new ClusterEvent.AssignedPodDeleted(p), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hints(String name, ClusterEvent event, boolean requeue) {
    assertThat(plugin.isSchedulableAfter(PodInfo.of(pod("p").build()), event)).isEqualTo(requeue);
  }
}
