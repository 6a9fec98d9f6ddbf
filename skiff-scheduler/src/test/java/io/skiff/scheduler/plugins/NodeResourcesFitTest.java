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

class NodeResourcesFitTest {

  private final NodeResourcesFit plugin = new NodeResourcesFit();

  /** A node of 2 CPUs, 4Gi, 10Gi of ephemeral storage, 2 GPUs and room for 3 pods. */
  private static Node node2cpu() {
    return node("n")
        .cpu("2")
        .memory("4Gi")
        .pods(3)
        .allocatable("ephemeral-storage", "10Gi")
        .allocatable("example.com/gpu", "2")
        .build();
  }

  private static PodInfo running(String name, String cpu, String memory) {
    return PodInfo.of(pod(name).cpu(cpu).memory(memory).nodeName("n").build());
  }

  static Stream<Arguments> filter() {
    return Stream.of(
        arguments(
            "fits an empty node",
            pod("p").cpu("2").memory("4Gi").build(),
            List.of(),
            Status.SUCCESS),
        arguments(
            "fits what is left",
            pod("p").cpu("500m").memory("1Gi").build(),
            List.of(running("a", "1500m", "3Gi")),
            Status.SUCCESS),
        arguments(
            "one millicore too many",
            pod("p").cpu("501m").build(),
            List.of(running("a", "1500m", "1Gi")),
            Status.unschedulable("Insufficient cpu")),
        arguments(
            "memory, exactly",
            pod("p").memory("1Gi").build(),
            List.of(running("a", "100m", "3Gi")),
            Status.SUCCESS),
        arguments(
            "one byte of memory too many",
            pod("p").memory("1073741825").build(),
            List.of(running("a", "100m", "3Gi")),
            Status.unschedulable("Insufficient memory")),
        arguments(
            "every reason is reported, in upstream's order",
            pod("p").cpu("3").memory("5Gi").request("ephemeral-storage", "11Gi").build(),
            List.of(running("a", "0", "0"), running("b", "0", "0"), running("c", "0", "0")),
            Status.unschedulable(
                "Too many pods",
                "Insufficient cpu",
                "Insufficient memory",
                "Insufficient ephemeral-storage")),
        arguments(
            "the pod count is checked even for a pod without requests",
            pod("p").build(),
            List.of(running("a", "0", "0"), running("b", "0", "0"), running("c", "0", "0")),
            Status.unschedulable("Too many pods")),
        arguments(
            "a pod without requests fits a full node",
            pod("p").build(),
            List.of(running("a", "2", "4Gi")),
            Status.SUCCESS),
        arguments(
            "extended resources",
            pod("p").request("example.com/gpu", "3").build(),
            List.of(),
            Status.unschedulable("Insufficient example.com/gpu")),
        arguments(
            "extended resource the node lacks",
            pod("p").request("example.com/fpga", "1").build(),
            List.of(),
            Status.unschedulable("Insufficient example.com/fpga")),
        arguments(
            "init containers: the biggest one counts, not the sum",
            pod("p").cpu("500m").initContainer("cpu", "2").initContainer("cpu", "1").build(),
            List.of(),
            Status.SUCCESS),
        arguments(
            "init containers: more than the node has",
            pod("p").cpu("500m").initContainer("cpu", "2500m").build(),
            List.of(),
            Status.unschedulable("Insufficient cpu")),
        arguments(
            "sidecars add to the containers and to later init containers",
            pod("p").cpu("1").sidecar("cpu", "1").initContainer("cpu", "500m").build(),
            List.of(running("a", "1m", "0")),
            Status.unschedulable("Insufficient cpu")),
        arguments(
            "pod overhead is added",
            pod("p").cpu("1900m").overhead("cpu", "200m").build(),
            List.of(),
            Status.unschedulable("Insufficient cpu")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void filter(String name, Pod pod, List<PodInfo> onNode, Status expected) {
    NodeInfo n = NodeInfo.of(node2cpu(), onNode.toArray(PodInfo[]::new));
    assertThat(plugin.filter(PodInfo.of(pod), n)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void nodeWithoutPodsAllocatableTakesNoPod() {
    NodeInfo n = NodeInfo.of(node("n").noAllocatable("pods").build());
    assertThat(plugin.filter(PodInfo.of(pod("p").build()), n))
        .isEqualTo(Status.unschedulable("Too many pods"));
  }

  static Stream<Arguments> score() {
    return Stream.of(
        arguments(
            "free share after the pod, averaged over cpu and memory",
            pod("p").cpu("1").memory("1Gi").build(),
            List.of(
                NodeInfo.of(node("a").cpu("4").memory("4Gi").build()),
                NodeInfo.of(node("b").cpu("2").memory("8Gi").build())),
            // a: cpu (4000-1000)*100/4000=75, mem (4-1)/4=75 -> 75
            // b: cpu 50, mem 87 -> 68
            new long[] {75, 68}),
        arguments(
            "pods already there count, and requests of none count as 100m / 200Mi",
            pod("p").build(),
            List.of(
                NodeInfo.of(
                    node("a").cpu("1").memory("1000Mi").build(),
                    PodInfo.of(pod("x").nodeName("a").build())),
                NodeInfo.of(node("b").cpu("1").memory("1000Mi").build())),
            // a: cpu (1000-200)*100/1000=80, mem (1000-400)/1000=60 -> 70
            // b: cpu 90, mem 80 -> 85
            new long[] {70, 85}),
        arguments(
            "more requested than allocatable scores 0",
            pod("p").cpu("8").memory("1Gi").build(),
            List.of(NodeInfo.of(node("a").cpu("4").memory("2Gi").build())),
            new long[] {25}),
        arguments(
            "a node without memory allocatable is scored on cpu alone",
            pod("p").cpu("1").build(),
            List.of(NodeInfo.of(node("a").cpu("4").noAllocatable("memory").build())),
            new long[] {75}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void score(String name, Pod pod, List<NodeInfo> nodes, long[] expected) {
    long[] scores = new long[nodes.size()];
    plugin.score(PodInfo.of(pod), nodes, nodes, scores);
    assertThat(scores).as(Arrays.toString(scores)).containsExactly(expected);
  }

  static Stream<Arguments> hints() {
    Node small = node("n").cpu("1").build();
    Node big = node("n").cpu("8").build();
    Node bigRelabelled = node("n").cpu("8").label("x", "y").build();
    Pod p = pod("p").cpu("2").build();
    return Stream.of(
        arguments("node it fits added", new ClusterEvent.NodeAdded(big), true),
        arguments("node too small added", new ClusterEvent.NodeAdded(small), false),
        arguments("node grew enough", new ClusterEvent.NodeUpdated(small, big), true),
        arguments(
            "node changed but did not grow",
            new ClusterEvent.NodeUpdated(big, bigRelabelled),
            false),
        arguments("node shrank", new ClusterEvent.NodeUpdated(big, small), false),
        arguments("an assigned pod went away", new ClusterEvent.AssignedPodDeleted(p), true),
        arguments(
            "the pod asks for less",
            new ClusterEvent.PodUpdated(p, pod("p").cpu("1").build()),
            true),
        arguments(
            "the pod asks for more",
            new ClusterEvent.PodUpdated(p, pod("p").cpu("3").build()),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hints(String name, ClusterEvent event, boolean requeue) {
    assertThat(plugin.isSchedulableAfter(PodInfo.of(pod("p").cpu("2").build()), event))
        .isEqualTo(requeue);
  }
}
