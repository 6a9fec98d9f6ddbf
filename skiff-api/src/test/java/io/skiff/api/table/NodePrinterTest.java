package io.skiff.api.table;

import static io.skiff.api.table.Fixtures.NOW;
import static io.skiff.api.table.Fixtures.meta;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodePrinterTest {

  static Stream<Arguments> status() {
    return Stream.of(
        Arguments.of(List.of(ready("True")), false, "Ready"),
        Arguments.of(List.of(ready("False")), false, "NotReady"),
        Arguments.of(List.of(ready("Unknown")), false, "NotReady"),
        Arguments.of(List.of(), false, "Unknown"),
        Arguments.of(List.of(ready("True")), true, "Ready,SchedulingDisabled"),
        Arguments.of(List.of(), true, "Unknown,SchedulingDisabled"),
        Arguments.of(List.of(condition("MemoryPressure", "True"), ready("True")), false, "Ready"),
        Arguments.of(List.of(ready("True"), ready("False")), false, "NotReady"));
  }

  @ParameterizedTest(name = "{0} unschedulable={1} -> {2}")
  @MethodSource
  void status(List<NodeCondition> conditions, boolean cordoned, String want) {
    Node node =
        new NodeBuilder()
            .withMetadata(meta("k8s-node0"))
            .withNewSpec()
            .withUnschedulable(cordoned ? true : null)
            .endSpec()
            .withNewStatus()
            .withConditions(conditions)
            .endStatus()
            .build();
    assertThat(NodePrinter.PRINTER.print(node, NOW).cells().get(1)).isEqualTo(want);
  }

  static Stream<Arguments> roles() {
    return Stream.of(
        Arguments.of(Map.of(), "<none>"),
        Arguments.of(Map.of("node-role.kubernetes.io/control-plane", ""), "control-plane"),
        Arguments.of(
            Map.of(
                "node-role.kubernetes.io/master", "",
                "node-role.kubernetes.io/control-plane", "true"),
            "control-plane,master"),
        Arguments.of(Map.of("kubernetes.io/role", "worker"), "worker"),
        Arguments.of(Map.of("kubernetes.io/role", ""), "<none>"),
        Arguments.of(Map.of("node-role.kubernetes.io/", "x"), "<none>"),
        Arguments.of(
            Map.of("kubernetes.io/role", "edge", "node-role.kubernetes.io/edge", ""), "edge"),
        Arguments.of(Map.of("kubernetes.io/hostname", "k8s-node0"), "<none>"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void roles(Map<String, String> labels, String want) {
    Node node =
        new NodeBuilder()
            .withMetadata(meta("n"))
            .editMetadata()
            .withLabels(labels)
            .endMetadata()
            .build();
    assertThat(NodePrinter.PRINTER.print(node, NOW).cells().get(2)).isEqualTo(want);
  }

  @Test
  void aCordonedControlPlaneNodeWide() {
    Node node =
        new NodeBuilder()
            .withMetadata(meta("k8s-master"))
            .editMetadata()
            .addToLabels("node-role.kubernetes.io/control-plane", "")
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(true)
            .endSpec()
            .withNewStatus()
            .withConditions(ready("True"))
            .addNewAddress("k8s-master", "Hostname")
            .addNewAddress("192.168.1.10", "InternalIP")
            .withNewNodeInfo()
            .withKubeletVersion("v1.33.0")
            .withOsImage("Ubuntu 22.04.4 LTS")
            .withKernelVersion("5.15.0-105-generic")
            .withContainerRuntimeVersion("containerd://1.7.13")
            .endNodeInfo()
            .endStatus()
            .build();
    assertThat(NodePrinter.PRINTER.print(node, NOW).cells())
        .containsExactly(
            "k8s-master",
            "Ready,SchedulingDisabled",
            "control-plane",
            "5m",
            "v1.33.0",
            "192.168.1.10",
            "<none>",
            "Ubuntu 22.04.4 LTS",
            "5.15.0-105-generic",
            "containerd://1.7.13");
  }

  @Test
  void unreportedNodeInfoIsUnknown() {
    assertThat(NodePrinter.PRINTER.print(new Node(), NOW).cells())
        .containsExactly(
            "",
            "Unknown",
            "<none>",
            "<unknown>",
            "",
            "<none>",
            "<none>",
            "<unknown>",
            "<unknown>",
            "<unknown>");
  }

  static NodeCondition ready(String status) {
    return condition("Ready", status);
  }

  static NodeCondition condition(String type, String status) {
    return new NodeConditionBuilder().withType(type).withStatus(status).build();
  }
}
