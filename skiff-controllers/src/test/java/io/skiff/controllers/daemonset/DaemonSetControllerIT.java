package io.skiff.controllers.daemonset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.client.EventType;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testcluster.RunningCluster;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DaemonSet controller against the in-process API server, with Node objects created through the
 * client. No scheduler or kubelet runs: pods stay pinned by their node affinity, and the test plays
 * the kubelet by writing pod status.
 */
class DaemonSetControllerIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess().controller(DaemonSetController.NAME, DaemonSetController::new);

  private Resources<DaemonSet> daemonSets;
  private Resources<Pod> pods;
  private Resources<Node> nodes;
  private Resources<ControllerRevision> revisions;

  @BeforeEach
  void resources() {
    daemonSets = cluster.resources(DaemonSet.class);
    pods = cluster.resources(Pod.class);
    nodes = cluster.resources(Node.class);
    revisions = cluster.resources(ControllerRevision.class);
  }

  private void node(String name, Map<String, String> labels) {
    nodes.create(
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withLabels(labels)
            .endMetadata()
            .build());
  }

  private static DaemonSetBuilder agent(String image) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("agent")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(Map.of("app", "agent"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "agent"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec();
  }

  private List<Pod> livePods() {
    return pods.list("default", ListOptions.all()).items().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** Target node name → pod, for the live pods. */
  private Map<String, Pod> podsByNode() {
    return livePods().stream()
        .collect(
            Collectors.toMap(
                p -> DaemonSetUtil.targetNodeName(p).orElseThrow(), p -> p, (a, b) -> a));
  }

  private DaemonSet ds() {
    return daemonSets.get("default", "agent").orElseThrow();
  }

  private static String image(Pod p) {
    return p.getSpec().getContainers().getFirst().getImage();
  }

  private void markReady(Pod p) {
    pods.patchStatus(
        "default",
        p.getMetadata().getName(),
        PatchType.MERGE_PATCH,
        "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
            + "\"lastTransitionTime\":\""
            + Times.format(Clock.system().now())
            + "\"}]}}");
  }

  private void markAllReady() {
    for (Pod p : livePods()) {
      if (!PodUtil.isPodReady(p)) {
        markReady(p);
      }
    }
  }

  private void awaitStatus(int desired, int available, int updated) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              markAllReady();
              var s = ds().getStatus();
              return s != null
                  && Integer.valueOf(desired).equals(s.getDesiredNumberScheduled())
                  && Integer.valueOf(desired).equals(s.getCurrentNumberScheduled())
                  && Integer.valueOf(available).equals(s.getNumberAvailable())
                  && Integer.valueOf(updated).equals(s.getUpdatedNumberScheduled());
            });
  }

  @Test
  void runsOnePinnedPodPerNodeWithTheDaemonTolerations() {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      node(n, Map.of());
    }
    daemonSets.create(agent("agent:1").build());

    await()
        .atMost(WAIT)
        .until(() -> podsByNode().keySet().equals(Set.of("node-a", "node-b", "node-c")));
    awaitStatus(3, 3, 3);
    assertThat(livePods()).hasSize(3);
    String hash =
        podsByNode().get("node-a").getMetadata().getLabels().get(DaemonSetUtil.HASH_LABEL);
    ControllerRevision cr = revisions.list("default", ListOptions.all()).items().getFirst();
    assertThat(cr.getMetadata().getName()).isEqualTo("agent-" + hash);
    assertThat(cr.getRevision()).isEqualTo(1L);
    for (Pod p : livePods()) {
      assertThat(p.getMetadata().getGenerateName()).isEqualTo("agent-");
      assertThat(p.getMetadata().getLabels()).containsEntry(DaemonSetUtil.HASH_LABEL, hash);
      assertThat(p.getSpec().getNodeName()).isNull();
      assertThat(
              p.getSpec()
                  .getAffinity()
                  .getNodeAffinity()
                  .getRequiredDuringSchedulingIgnoredDuringExecution()
                  .getNodeSelectorTerms()
                  .getFirst()
                  .getMatchFields()
                  .getFirst()
                  .getKey())
          .isEqualTo("metadata.name");
      assertThat(p.getSpec().getTolerations())
          .anySatisfy(
              t -> {
                assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unschedulable");
                assertThat(t.getOperator()).isEqualTo("Exists");
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
              })
          .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/not-ready"));
    }
    var s = ds().getStatus();
    assertThat(s.getNumberReady()).isEqualTo(3);
    assertThat(s.getNumberMisscheduled()).isZero();
    assertThat(s.getNumberUnavailable()).isZero();
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void nodeSelectorNarrowsANewNodeGetsAPodAndACordonedNodeKeepsIt() {
    node("node-a", Map.of("disk", "ssd"));
    node("node-b", Map.of("disk", "hdd"));
    daemonSets.create(
        agent("agent:1")
            .editSpec()
            .editTemplate()
            .editSpec()
            .withNodeSelector(Map.of("disk", "ssd"))
            .endSpec()
            .endTemplate()
            .endSpec()
            .build());
    awaitStatus(1, 1, 1);
    assertThat(podsByNode().keySet()).containsExactly("node-a");

    node("node-c", Map.of("disk", "ssd"));
    await().atMost(WAIT).until(() -> podsByNode().keySet().equals(Set.of("node-a", "node-c")));
    awaitStatus(2, 2, 2);

    // Cordon as kubectl does, plus the taint the node lifecycle controller adds for it.
    String podOnA = podsByNode().get("node-a").getMetadata().getUid();
    nodes.patch(
        null,
        "node-a",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"unschedulable\":true,\"taints\":[{\"key\":\"node.kubernetes.io/unschedulable\","
            + "\"effect\":\"NoSchedule\"}]}}");
    // Relabelling node-b makes it eligible: the sync that follows must still keep node-a's pod.
    nodes.patch(
        null, "node-b", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"disk\":\"ssd\"}}}");
    await().atMost(WAIT).until(() -> podsByNode().containsKey("node-b"));
    awaitStatus(3, 3, 3);
    assertThat(podsByNode().get("node-a").getMetadata().getUid()).isEqualTo(podOnA);

    // A node that stops matching loses its pod.
    nodes.patch(
        null, "node-c", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"disk\":\"hdd\"}}}");
    await().atMost(WAIT).until(() -> podsByNode().keySet().equals(Set.of("node-a", "node-b")));
    awaitStatus(2, 2, 2);
  }

  @Test
  void aRollingUpdateReplacesAtMostMaxUnavailablePodsAtATime() {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      node(n, Map.of());
    }
    daemonSets.create(agent("agent:1").build());
    awaitStatus(3, 3, 3);
    Set<String> oldUids =
        livePods().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    Set<String> deleted = ConcurrentHashMap.newKeySet();
    long from = pods.list("default", ListOptions.all()).resourceVersion();
    Watch watch =
        pods.watch(
            "default",
            ListOptions.all(),
            from,
            new Watcher<>() {
              @Override
              public void onEvent(EventType type, Pod pod) {
                if (type == EventType.DELETED) {
                  deleted.add(pod.getMetadata().getUid());
                }
              }

              @Override
              public void onClose(StatusError error) {}
            });
    try {
      daemonSets.patch(
          "default",
          "agent",
          PatchType.STRATEGIC_MERGE_PATCH,
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"agent:2\"}]}}}}");

      // One old pod goes and its replacement comes; while that is not ready nothing else moves.
      await()
          .atMost(WAIT)
          .until(() -> livePods().stream().filter(p -> image(p).equals("agent:2")).count() == 1);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                var s = ds().getStatus();
                return Long.valueOf(2).equals(ds().getMetadata().getGeneration())
                    && Long.valueOf(2).equals(s.getObservedGeneration())
                    && Integer.valueOf(1).equals(s.getUpdatedNumberScheduled());
              });
      assertThat(deleted).hasSize(1);
      assertThat(livePods().stream().filter(p -> oldUids.contains(p.getMetadata().getUid())))
          .hasSize(2);
      assertThat(ds().getStatus().getNumberUnavailable()).isEqualTo(1);

      awaitStatus(3, 3, 3);
      assertThat(livePods()).hasSize(3).allMatch(p -> image(p).equals("agent:2"));
      assertThat(deleted).containsExactlyInAnyOrderElementsOf(oldUids);
    } finally {
      watch.close();
    }
    assertThat(
            revisions.list("default", ListOptions.all()).items().stream()
                .sorted(Comparator.comparing(ControllerRevision::getRevision))
                .map(ControllerRevision::getRevision))
        .containsExactly(1L, 2L);
  }

  @Test
  void rollingBackReusesTheOldRevisionAsTheNewest() {
    node("node-a", Map.of());
    daemonSets.create(agent("agent:1").build());
    awaitStatus(1, 1, 1);
    ControllerRevision first = revisions.list("default", ListOptions.all()).items().getFirst();

    daemonSets.patch(
        "default",
        "agent",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"agent:2\"}]}}}}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                livePods().stream().allMatch(p -> image(p).equals("agent:2"))
                    && livePods().size() == 1);
    awaitStatus(1, 1, 1);

    // What `kubectl rollout undo` sends: the old revision's data as a strategic merge patch.
    String undo = new ObjectCodec().mapper().valueToTree(first.getData()).toString();
    daemonSets.patch("default", "agent", PatchType.STRATEGIC_MERGE_PATCH, undo);
    await()
        .atMost(WAIT)
        .until(
            () ->
                revisions
                    .get("default", first.getMetadata().getName())
                    .map(cr -> cr.getRevision() == 3L)
                    .orElse(false));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              markAllReady();
              List<Pod> live = livePods();
              return live.size() == 1
                  && image(live.getFirst()).equals("agent:1")
                  && live.getFirst()
                      .getMetadata()
                      .getLabels()
                      .get(DaemonSetUtil.HASH_LABEL)
                      .equals(first.getMetadata().getLabels().get(DaemonSetUtil.HASH_LABEL));
            });
    assertThat(revisions.list("default", ListOptions.all()).items()).hasSize(2);
  }

  @Test
  void onDeleteReplacesOnlyThePodsUsersDelete() {
    node("node-a", Map.of());
    node("node-b", Map.of());
    daemonSets.create(
        agent("agent:1")
            .editSpec()
            .withNewUpdateStrategy()
            .withType("OnDelete")
            .endUpdateStrategy()
            .endSpec()
            .build());
    awaitStatus(2, 2, 2);

    daemonSets.patch(
        "default",
        "agent",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"agent:2\"}]}}}}");
    awaitStatus(2, 2, 0);
    assertThat(livePods()).allMatch(p -> image(p).equals("agent:1"));

    Pod onA = podsByNode().get("node-a");
    pods.delete("default", onA.getMetadata().getName(), null);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Pod p = podsByNode().get("node-a");
              return p != null && image(p).equals("agent:2");
            });
    awaitStatus(2, 2, 1);
    assertThat(image(podsByNode().get("node-b"))).isEqualTo("agent:1");
  }

  @Test
  void maxUnavailablePercentRoundsUp() {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      node(n, Map.of());
    }
    daemonSets.create(
        agent("agent:1")
            .editSpec()
            .withNewUpdateStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxUnavailable(new IntOrString("50%"))
            .endRollingUpdate()
            .endUpdateStrategy()
            .endSpec()
            .build());
    awaitStatus(3, 3, 3);

    daemonSets.patch(
        "default",
        "agent",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"agent:2\"}]}}}}");
    // 50% of 3 is 2 for a DaemonSet: two replacements at once.
    await()
        .atMost(WAIT)
        .until(() -> livePods().stream().filter(p -> image(p).equals("agent:2")).count() == 2);
    await()
        .atMost(WAIT)
        .until(() -> Long.valueOf(2).equals(ds().getStatus().getObservedGeneration()));
    assertThat(livePods().stream().filter(p -> image(p).equals("agent:1"))).hasSize(1);
    awaitStatus(3, 3, 3);
  }
}
