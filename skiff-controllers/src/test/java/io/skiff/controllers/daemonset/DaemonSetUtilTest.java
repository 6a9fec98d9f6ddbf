package io.skiff.controllers.daemonset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.skiff.client.KubeObjects;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DaemonSetUtilTest {

  static DaemonSet ds(String maxUnavailable, String maxSurge) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("ds")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(Map.of("app", "ds"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "ds"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("img")
        .endContainer()
        .endSpec()
        .endTemplate()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(intOrPercent(maxUnavailable))
        .withMaxSurge(intOrPercent(maxSurge))
        .endRollingUpdate()
        .endUpdateStrategy()
        .endSpec()
        .build();
  }

  private static IntOrString intOrPercent(String v) {
    return v.endsWith("%") ? new IntOrString(v) : new IntOrString(Integer.parseInt(v));
  }

  static Node node(String name, Map<String, String> labels, Taint... taints) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withTaints(taints)
        .endSpec()
        .build();
  }

  /** Upstream's update_test TestUpdatedDesiredNodeCounts, as the reference lists it. */
  @ParameterizedTest(
      name = "{0} nodes, maxUnavailable {1}, maxSurge {2} -> surge {3}, unavailable {4}")
  @CsvSource({
    "2, 1, 0, 0, 1",
    "2, 0, 0, 0, 1", // neither configured: unavailability 1 is forced
    "2, 50%, 0, 0, 1",
    "2, 0, 50%, 1, 0",
    "2, 0, 100%, 2, 0",
    "3, 50%, 0, 0, 2", // rounds up, unlike a Deployment's 1
    "0, 0, 0, 0, 0", // nothing to schedule: nothing forced
    "5, 10%, 0, 0, 1",
    "10, 25%, 0, 0, 3",
  })
  void theRollingUpdateBudgetRoundsUp(
      int nodes, String maxUnavailable, String maxSurge, int surge, int unavailable) {
    DaemonSetUtil.Budget b = DaemonSetUtil.budget(ds(maxUnavailable, maxSurge), nodes);
    assertThat(b.maxSurge()).isEqualTo(surge);
    assertThat(b.maxUnavailable()).isEqualTo(unavailable);
  }

  @Test
  void onDeleteHasNoBudgetButAnUpdateStillMovesOne() {
    DaemonSet ds = ds("3", "0");
    ds.getSpec().getUpdateStrategy().setType("OnDelete");
    assertThat(DaemonSetUtil.unavailableCount(ds, 10)).isZero();
    assertThat(DaemonSetUtil.surgeCount(ds, 10)).isZero();
    assertThat(DaemonSetUtil.allowsSurge(ds)).isFalse();
    assertThat(DaemonSetUtil.allowsSurge(ds("0", "1"))).isTrue();
  }

  private static Taint taint(String key, String effect) {
    return new Taint(effect, key, null, null);
  }

  @Test
  void placementFollowsTheNodeSelectorAndTaints() {
    DaemonSet ds = ds("1", "0");
    ds.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("disk", "ssd"));

    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(node("a", Map.of("disk", "ssd")), ds))
        .isEqualTo(new DaemonSetUtil.Placement(true, true));
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(node("b", Map.of("disk", "hdd")), ds))
        .isEqualTo(new DaemonSetUtil.Placement(false, false));
    // An untolerated NoSchedule taint: no new pod, but one already there stays.
    assertThat(
            DaemonSetUtil.nodeShouldRunDaemonPod(
                node("c", Map.of("disk", "ssd"), taint("dedicated", "NoSchedule")), ds))
        .isEqualTo(new DaemonSetUtil.Placement(false, true));
    // An untolerated NoExecute taint: the pod must go.
    assertThat(
            DaemonSetUtil.nodeShouldRunDaemonPod(
                node("d", Map.of("disk", "ssd"), taint("dedicated", "NoExecute")), ds))
        .isEqualTo(new DaemonSetUtil.Placement(false, false));
  }

  @Test
  void cordonAndNodeConditionTaintsAreToleratedAutomatically() {
    DaemonSet ds = ds("1", "0");
    Node cordoned =
        node(
            "a",
            Map.of(),
            taint("node.kubernetes.io/unschedulable", "NoSchedule"),
            taint("node.kubernetes.io/not-ready", "NoExecute"),
            taint("node.kubernetes.io/unreachable", "NoExecute"),
            taint("node.kubernetes.io/disk-pressure", "NoSchedule"));
    cordoned.getSpec().setUnschedulable(true);
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(cordoned, ds))
        .isEqualTo(new DaemonSetUtil.Placement(true, true));
    // Without host networking the network-unavailable taint is not tolerated.
    Node noNetwork =
        node("b", Map.of(), taint("node.kubernetes.io/network-unavailable", "NoSchedule"));
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(noNetwork, ds).shouldRun()).isFalse();
    ds.getSpec().getTemplate().getSpec().setHostNetwork(true);
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(noNetwork, ds).shouldRun()).isTrue();
  }

  @Test
  void onePlacerServesEveryNodeAndLeavesTheTemplateAlone() {
    DaemonSet ds = ds("1", "0");
    ds.getSpec()
        .getTemplate()
        .getSpec()
        .setTolerations(List.of(new Toleration("NoSchedule", "gpu", "Exists", null, null)));
    DaemonSet before = KubeObjects.deepCopy(ds);
    DaemonSetUtil.Placer placer = DaemonSetUtil.placer(ds);
    Node cordoned = node("a", Map.of(), taint("node.kubernetes.io/unschedulable", "NoSchedule"));
    Node tainted = node("b", Map.of(), taint("dedicated", "NoExecute"));
    Node gpu = node("g", Map.of(), taint("gpu", "NoSchedule"));
    assertThat(placer.place(cordoned)).isEqualTo(new DaemonSetUtil.Placement(true, true));
    assertThat(placer.place(tainted)).isEqualTo(new DaemonSetUtil.Placement(false, false));
    assertThat(placer.place(gpu)).isEqualTo(new DaemonSetUtil.Placement(true, true));
    assertThat(placer.place(node("c", Map.of())))
        .isEqualTo(DaemonSetUtil.nodeShouldRunDaemonPod(node("c", Map.of()), ds));
    assertThat(ds).isEqualTo(before);
    assertThat(ds.getSpec().getTemplate().getSpec().getNodeName()).isNull();
  }

  @Test
  void requiredNodeAffinityAndTemplateNodeNameNarrowPlacement() {
    DaemonSet ds = ds("1", "0");
    ds.getSpec()
        .getTemplate()
        .getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey("zone")
                .withOperator("In")
                .withValues("z1", "z2")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build());
    assertThat(
            DaemonSetUtil.nodeShouldRunDaemonPod(node("a", Map.of("zone", "z2")), ds).shouldRun())
        .isTrue();
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(node("b", Map.of("zone", "z3")), ds))
        .isEqualTo(new DaemonSetUtil.Placement(false, false));

    DaemonSet pinned = ds("1", "0");
    pinned.getSpec().getTemplate().getSpec().setNodeName("a");
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(node("a", Map.of()), pinned).shouldRun())
        .isTrue();
    assertThat(DaemonSetUtil.nodeShouldRunDaemonPod(node("b", Map.of()), pinned))
        .isEqualTo(new DaemonSetUtil.Placement(false, false));
  }

  @Test
  void createdPodsGetTolerationsLabelsAndAMatchFieldsPin() {
    DaemonSet ds = ds("1", "0");
    var template = DaemonSetUtil.createPodTemplate(ds.getSpec().getTemplate(), 4L, "abc");
    assertThat(template.getMetadata().getLabels())
        .containsEntry("app", "ds")
        .containsEntry(DaemonSetUtil.HASH_LABEL, "abc")
        .containsEntry(DaemonSetUtil.TEMPLATE_GENERATION_LABEL, "4");
    assertThat(template.getSpec().getTolerations())
        .extracting(Toleration::getKey, Toleration::getEffect)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/not-ready", "NoExecute"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoExecute"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/disk-pressure", "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/memory-pressure", "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/pid-pressure", "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unschedulable", "NoSchedule"));
    // The DaemonSet's own template is untouched.
    assertThat(ds.getSpec().getTemplate().getSpec().getTolerations()).isNullOrEmpty();

    PodSpec spec = template.getSpec();
    spec.setAffinity(DaemonSetUtil.replaceNodeNameAffinity(spec.getAffinity(), "node-7"));
    Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().withSpec(spec).build();
    assertThat(DaemonSetUtil.targetNodeName(pod)).contains("node-7");
    pod.getSpec().setNodeName("node-8");
    assertThat(DaemonSetUtil.targetNodeName(pod)).contains("node-8");
  }

  @Test
  void tolerationsAlreadyThereAreNotDuplicated() {
    PodSpec spec = new PodSpec();
    spec.setTolerations(
        List.of(
            new Toleration(
                "NoSchedule", "node.kubernetes.io/unschedulable", "Exists", null, null)));
    DaemonSetUtil.addOrUpdateDaemonPodTolerations(spec);
    assertThat(spec.getTolerations())
        .filteredOn(t -> t.getKey().equals("node.kubernetes.io/unschedulable"))
        .hasSize(1);
    assertThat(spec.getTolerations()).hasSize(6);
  }

  @Test
  void aPodIsUpdatedByHashOrByTemplateGeneration() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withLabels(
                Map.of(
                    DaemonSetUtil.HASH_LABEL, "h1", DaemonSetUtil.TEMPLATE_GENERATION_LABEL, "2"))
            .endMetadata()
            .build();
    assertThat(DaemonSetUtil.isPodUpdated(pod, "h1", null)).isTrue();
    assertThat(DaemonSetUtil.isPodUpdated(pod, "h2", null)).isFalse();
    assertThat(DaemonSetUtil.isPodUpdated(pod, "h2", 2L)).isTrue();
    assertThat(DaemonSetUtil.isPodUpdated(pod, "h2", 3L)).isFalse();
  }
}
