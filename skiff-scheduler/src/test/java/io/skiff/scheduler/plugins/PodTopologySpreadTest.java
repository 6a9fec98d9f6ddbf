package io.skiff.scheduler.plugins;

import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodTopologySpreadTest {

  private final PodTopologySpread plugin = new PodTopologySpread();

  private static final String HOST = "kubernetes.io/hostname";
  private static final String ZONE = "topology.kubernetes.io/zone";

  /** A node named {@code name} (hostname-labelled) with {@code n} pods of ReplicaSet {@code rs}. */
  private static NodeInfo withPods(String name, String zone, String rs, int n) {
    var spec = node(name).label(HOST, name);
    if (zone != null) {
      spec.label(ZONE, zone);
    }
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pods.add(PodInfo.of(pod(name + "-" + i).ownedBy("ReplicaSet", rs).nodeName(name).build()));
    }
    return NodeInfo.of(spec.build(), pods.toArray(PodInfo[]::new));
  }

  private static Pod replica() {
    return pod("new").ownedBy("ReplicaSet", "rs-1").build();
  }

  static Stream<Arguments> score() {
    return Stream.of(
        arguments(
            "fewer pods of the same owner on the node score higher",
            replica(),
            List.of(
                withPods("a", null, "rs-1", 0),
                withPods("b", null, "rs-1", 1),
                withPods("c", null, "rs-1", 2)),
            // raw: round(cnt * ln(5) + 2) = 2, 4, 5; normalized 100 * (5 + 2 - s) / 5
            new long[] {100, 60, 40}),
        arguments(
            "pods of other owners do not count",
            replica(),
            List.of(withPods("a", null, "rs-2", 5), withPods("b", null, "rs-1", 1)),
            // raw: 2, round(ln(4) + 2) = 3; normalized 100 * (3 + 2 - s) / 3
            new long[] {100, 66}),
        arguments(
            "no pods of the owner anywhere: every node equal",
            replica(),
            List.of(withPods("a", null, "rs-2", 1), withPods("b", null, "rs-2", 0)),
            new long[] {100, 100}),
        arguments(
            "pods not owned by a ReplicaSet, RC or StatefulSet are not spread",
            pod("new").ownedBy("Job", "rs-1").build(),
            List.of(withPods("a", null, "rs-1", 0), withPods("b", null, "rs-1", 3)),
            new long[] {0, 0}),
        arguments(
            "nodes without the hostname label get no hostname spreading",
            replica(),
            List.of(
                NodeInfo.of(node("a").build()),
                NodeInfo.of(
                    node("b").build(),
                    PodInfo.of(pod("x").ownedBy("ReplicaSet", "rs-1").nodeName("b").build()))),
            new long[] {100, 100}),
        arguments(
            "zones count every pod in the zone",
            replica(),
            List.of(
                withPods("a", "z1", "rs-1", 0),
                withPods("b", "z1", "rs-1", 2),
                withPods("c", "z2", "rs-1", 1)),
            // host weight ln(5); zone weight ln(4) over zones z1, z2
            // a: 0 + 2 + 2*ln4 + 4 = 8.77 -> 9; b: 2*ln5 + 2 + 2*ln4 + 4 = 12.0 -> 12;
            // c: ln5 + 2 + ln4 + 4 = 8.99 -> 9; normalized 100 * (12 + 9 - s) / 12
            new long[] {100, 75, 100}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void score(String name, Pod pod, List<NodeInfo> nodes, long[] expected) {
    long[] scores = new long[nodes.size()];
    plugin.score(PodInfo.of(pod), nodes, nodes, scores);
    assertThat(scores).as(Arrays.toString(scores)).containsExactly(expected);
  }

  @org.junit.jupiter.api.Test
  void terminatingPodsDoNotCount() {
    NodeInfo a = withPods("a", null, "rs-1", 0);
    NodeInfo b =
        NodeInfo.of(
            node("b").label(HOST, "b").build(),
            PodInfo.of(pod("x").ownedBy("ReplicaSet", "rs-1").nodeName("b").terminating().build()));
    long[] scores = new long[2];
    plugin.score(PodInfo.of(replica()), List.of(a, b), List.of(a, b), scores);
    assertThat(scores).containsExactly(100, 100);
  }

  @org.junit.jupiter.api.Test
  void zoneCountsOnlyTakeNodesMatchingThePodsNodeSelector() {
    NodeInfo a =
        NodeInfo.of(node("a").label(HOST, "a").label(ZONE, "z1").label("pool", "main").build());
    NodeInfo b =
        NodeInfo.of(node("b").label(HOST, "b").label(ZONE, "z2").label("pool", "main").build());
    Pod p = pod("new").ownedBy("ReplicaSet", "rs-1").nodeSelector("pool", "main").build();
    // c is not feasible but in zone z1 with one replica; it counts only if the pod could go there.
    for (String pool : List.of("other", "main")) {
      NodeInfo c =
          NodeInfo.of(
              node("c").label(HOST, "c").label(ZONE, "z1").label("pool", pool).build(),
              PodInfo.of(pod("x").ownedBy("ReplicaSet", "rs-1").nodeName("c").build()));
      long[] scores = new long[2];
      plugin.score(PodInfo.of(p), List.of(a, b), List.of(a, b, c), scores);
      if (pool.equals("other")) {
        assertThat(scores).containsExactly(100, 100);
      } else {
        // z1 holds one replica: a raw round(2 + ln4 + 4) = 7, b raw 6 -> 100 * (7 + 6 - s) / 7
        assertThat(scores).containsExactly(85, 100);
      }
    }
  }
}
