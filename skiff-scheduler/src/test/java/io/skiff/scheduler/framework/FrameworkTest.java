package io.skiff.scheduler.framework;

import static io.skiff.scheduler.Fixtures.fieldTerm;
import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static io.skiff.scheduler.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.scheduler.plugins.DefaultProfile;
import io.skiff.scheduler.plugins.NodeAffinity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FrameworkTest {

  private static ScheduleResult schedule(Pod pod, List<NodeInfo> nodes) {
    return DefaultProfile.create(new Random(1), 0)
        .schedule(PodInfo.of(pod), nodes, NodeAffinity.nodeNames(pod));
  }

  private static NodeInfo small(String name) {
    return NodeInfo.of(node(name).cpu("1").label("kubernetes.io/hostname", name).build());
  }

  private static NodeInfo labelled(String name, String k, String v) {
    return NodeInfo.of(node(name).label(k, v).build());
  }

  static Stream<Arguments> failureMessages() {
    return Stream.of(
        arguments(
            "the issue's example: reasons counted and sorted, then preemption's verdict",
            pod("p").cpu("2").nodeSelector("disk", "ssd").build(),
            List.of(
                NodeInfo.of(node("a").cpu("1").label("disk", "ssd").build()),
                small("b"),
                small("c")),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node"
                + " affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims"
                + " found for incoming pod, 2 Preemption is not helpful for scheduling."),
        arguments(
            "unsatisfiable nodeSelector",
            pod("p").nodeSelector("disk", "ssd").build(),
            List.of(small("a"), small("b"), small("c")),
            "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
                + " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
        arguments(
            "the first failing filter decides a node's reason: cordon before taint",
            pod("p").build(),
            List.of(
                NodeInfo.of(node("a").unschedulable().taint("k", "v", "NoSchedule").build()),
                NodeInfo.of(node("b").taint("dedicated", "gpu", "NoSchedule").build())),
            "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s)"
                + " were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not"
                + " helpful for scheduling."),
        arguments(
            "every resource reason of a node is counted",
            pod("p").cpu("2").memory("16Gi").build(),
            List.of(small("a"), small("b")),
            "0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/2"
                + " nodes are available: 2 No preemption victims found for incoming pod."),
        arguments(
            "counts sort as strings, as upstream's sort.Strings does",
            pod("p").nodeSelector("disk", "ssd").build(),
            nodes(
                10,
                i -> small("s" + i),
                2,
                i -> NodeInfo.of(node("t" + i).unschedulable().build())),
            "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2"
                + " node(s) were unschedulable. preemption: 0/12 nodes are available: 12 Preemption"
                + " is not helpful for scheduling."),
        arguments(
            "preemptionPolicy Never",
            pod("p").cpu("2").preemptionPolicy("Never").build(),
            List.of(small("a")),
            "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to"
                + " preemptionPolicy=Never."),
        arguments(
            "lower-priority pods that would not free enough",
            pod("p").cpu("2").priority(10).build(),
            List.of(
                NodeInfo.of(
                    node("a").cpu("1").build(),
                    PodInfo.of(pod("low").cpu("500m").priority(1).nodeName("a").build()))),
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1"
                + " Insufficient cpu."),
        arguments(
            "evicting lower-priority pods would help: upstream preempts and says nothing more",
            pod("p").cpu("1").priority(10).build(),
            List.of(
                NodeInfo.of(
                    node("a").cpu("1").build(),
                    PodInfo.of(pod("low").cpu("500m").priority(1).nodeName("a").build()))),
            "0/1 nodes are available: 1 Insufficient cpu."),
        arguments(
            "a DaemonSet pod whose node is full",
            pod("ds").cpu("2").requiredTerm(fieldTerm(req("metadata.name", "In", "b"))).build(),
            List.of(small("a"), small("b"), small("c")),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s)"
                + " [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims"
                + " found for incoming pod, 2 Preemption is not helpful for scheduling."),
        arguments(
            "a DaemonSet pod for a node that does not exist",
            pod("ds").requiredTerm(fieldTerm(req("metadata.name", "In", "gone"))).build(),
            List.of(small("a"), small("b")),
            "0/2 nodes are available: 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."),
        arguments(
            "node names that conflict",
            pod("p")
                .requiredTerm(
                    fieldTerm(req("metadata.name", "In", "a"), req("metadata.name", "In", "b")))
                .build(),
            List.of(small("a"), small("b")),
            "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are"
                + " available: 2 Preemption is not helpful for scheduling."),
        arguments(
            "no nodes at all", pod("p").build(), List.of(), "no nodes available to schedule pods"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void failureMessages(String name, Pod pod, List<NodeInfo> nodes, String expected) {
    ScheduleResult r = schedule(pod, nodes);
    assertThat(r).isInstanceOf(ScheduleResult.Unschedulable.class);
    assertThat(((ScheduleResult.Unschedulable) r).message()).isEqualTo(expected);
  }

  private static List<NodeInfo> nodes(
      int n,
      java.util.function.IntFunction<NodeInfo> a,
      int m,
      java.util.function.IntFunction<NodeInfo> b) {
    List<NodeInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(a.apply(i));
    }
    for (int i = 0; i < m; i++) {
      out.add(b.apply(i));
    }
    return out;
  }

  @Test
  void rejectingPluginsAreReportedForRequeueing() {
    var r =
        (ScheduleResult.Unschedulable)
            schedule(
                pod("p").cpu("2").nodeSelector("disk", "ssd").build(),
                List.of(NodeInfo.of(node("a").cpu("1").label("disk", "ssd").build()), small("b")));
    assertThat(r.rejectingPlugins()).containsExactlyInAnyOrder("NodeResourcesFit", "NodeAffinity");
    var none = (ScheduleResult.Unschedulable) schedule(pod("p").build(), List.of());
    assertThat(none.rejectingPlugins()).isEmpty();
  }

  @Test
  void onlyFeasibleNodeIsChosenWithoutScoring() {
    ScheduleResult r =
        schedule(
            pod("p").nodeSelector("disk", "ssd").build(),
            List.of(small("a"), labelled("b", "disk", "ssd"), small("c")));
    assertThat(r).isEqualTo(new ScheduleResult.Scheduled("b", 3, 1));
  }

  @Test
  void highestScoreWins() {
    // b has room for the pod and a does not have much: least-allocated prefers b.
    NodeInfo a =
        NodeInfo.of(
            node("a").cpu("4").build(), PodInfo.of(pod("x").cpu("3").nodeName("a").build()));
    NodeInfo b = NodeInfo.of(node("b").cpu("4").build());
    for (int seed = 0; seed < 20; seed++) {
      ScheduleResult r =
          DefaultProfile.create(new Random(seed), 0)
              .schedule(PodInfo.of(pod("p").cpu("500m").build()), List.of(a, b), null);
      assertThat(r).isEqualTo(new ScheduleResult.Scheduled("b", 2, 2));
    }
  }

  @Test
  void tiesAreBrokenAtRandomWithTheInjectedRandom() {
    List<NodeInfo> nodes = List.of(small("a"), small("b"), small("c"));
    Map<String, Integer> picks = new HashMap<>();
    Framework f = DefaultProfile.create(new Random(42), 0);
    for (int i = 0; i < 300; i++) {
      var r = (ScheduleResult.Scheduled) f.schedule(PodInfo.of(pod("p").build()), nodes, null);
      picks.merge(r.nodeName(), 1, Integer::sum);
    }
    // Each of the three equal nodes is picked, roughly a third of the time.
    assertThat(picks).containsOnlyKeys("a", "b", "c");
    assertThat(picks.values()).allSatisfy(n -> assertThat(n).isBetween(70, 130));
    // The same seed makes the same choices.
    Framework again = DefaultProfile.create(new Random(42), 0);
    Framework once = DefaultProfile.create(new Random(42), 0);
    for (int i = 0; i < 20; i++) {
      assertThat(again.schedule(PodInfo.of(pod("p").build()), nodes, null))
          .isEqualTo(once.schedule(PodInfo.of(pod("p").build()), nodes, null));
    }
  }

  @Test
  void replicasSpreadOverNodesWhenTheCacheCountsThem() {
    List<NodeInfo> nodes = List.of(small("a"), small("b"), small("c"));
    Framework f = DefaultProfile.create(new Random(7), 0);
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      PodInfo p = PodInfo.of(pod("r" + i).cpu("100m").ownedBy("ReplicaSet", "rs").build());
      var r = (ScheduleResult.Scheduled) f.schedule(p, nodes, null);
      NodeInfo chosen = nodes.stream().filter(n -> n.name().equals(r.nodeName())).findFirst().get();
      chosen.addPod(p);
      perNode.merge(r.nodeName(), 1, Integer::sum);
    }
    assertThat(perNode).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 2));
  }

  @ParameterizedTest(name = "{0} nodes, {1}% -> {2}")
  @CsvSource({
    "50, 0, 50",
    "99, 0, 99",
    "100, 0, 100",
    "1000, 0, 420",
    "5000, 0, 500",
    "6000, 0, 300",
    "100000, 0, 5000",
    "1000, 50, 500",
    "1000, 5, 100",
  })
  void numFeasibleNodesToFind(int nodes, int percentage, int expected) {
    assertThat(DefaultProfile.create(new Random(0), percentage).numFeasibleNodesToFind(nodes))
        .isEqualTo(expected);
  }

  @Test
  void bigClustersStopAtEnoughNodesAndStartWhereTheLastCycleStopped() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      nodes.add(NodeInfo.of(node(String.format("n%04d", i)).build()));
    }
    Framework f = DefaultProfile.create(new Random(0), 0);
    var first = (ScheduleResult.Scheduled) f.schedule(PodInfo.of(pod("p").build()), nodes, null);
    assertThat(first.evaluatedNodes()).isEqualTo(420);
    assertThat(first.feasibleNodes()).isEqualTo(420);
    var second = (ScheduleResult.Scheduled) f.schedule(PodInfo.of(pod("q").build()), nodes, null);
    // The second pod looked at nodes 420..839 only.
    assertThat(Integer.parseInt(second.nodeName().substring(1))).isBetween(420, 839);
  }

  @Test
  void preFilterNarrowsTheNodesToThoseNamed() {
    ScheduleResult r =
        schedule(
            pod("ds").requiredTerm(fieldTerm(req("metadata.name", "In", "c"))).build(),
            List.of(small("a"), small("b"), small("c")));
    assertThat(r).isEqualTo(new ScheduleResult.Scheduled("c", 1, 1));
  }

  @Test
  void setOfNamedNodesIsUsedAsGiven() {
    Framework f = DefaultProfile.create(new Random(0), 0);
    ScheduleResult r =
        f.schedule(PodInfo.of(pod("p").build()), List.of(small("a"), small("b")), Set.of("b"));
    assertThat(r).isEqualTo(new ScheduleResult.Scheduled("b", 1, 1));
  }
}
