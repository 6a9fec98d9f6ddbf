package io.skiff.scheduler;

import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.patch.PatchType;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import io.skiff.store.memory.MemoryStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against a real (in-process) API server: nodes and pods created through the client,
 * bindings through {@code pods/binding}, events and conditions as {@code kubectl describe} shows
 * them.
 */
class SchedulerIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private MemoryStore store;
  private KubeClient client;
  private Scheduler scheduler;
  private Resources<Pod> pods;
  private Resources<Node> nodes;

  @BeforeEach
  void start() {
    store = new MemoryStore();
    Registry registry =
        new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), Clock.system());
    registry.bootstrap();
    client = KubeClient.over(new InProcessTransport(registry));
    pods = client.resources(Pod.class);
    nodes = client.resources(Node.class);
    for (int i = 1; i <= 3; i++) {
      nodes.create(node("node-" + i).label("kubernetes.io/hostname", "node-" + i).build());
    }
    scheduler =
        Scheduler.start(
            client, Clock.system(), SchedulerOptions.defaults().withRandom(new Random(1)));
  }

  @AfterEach
  void stop() {
    scheduler.close();
    client.close();
    store.close();
  }

  private static Pod unregistered(Pod p) {
    // The server assigns the UID; the fixture's would be kept otherwise.
    p.getMetadata().setUid(null);
    return p;
  }

  private String nodeOf(String name) {
    return pods.get("default", name).map(p -> p.getSpec().getNodeName()).orElse(null);
  }

  private List<Event> eventsOf(String pod) {
    return client.resources(Event.class).list("default", ListOptions.all()).items().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private Optional<PodCondition> scheduledCondition(String name) {
    return pods.get("default", name).orElseThrow().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("PodScheduled"))
        .findFirst();
  }

  @Test
  void bindsPodsSpreadsReplicasAndRecordsScheduledEvents() {
    for (int i = 0; i < 6; i++) {
      pods.create(
          unregistered(pod("web-" + i).cpu("100m").ownedBy("ReplicaSet", "rs-web").build()));
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                pods.list("default", ListOptions.all()).items().stream()
                    .allMatch(p -> p.getSpec().getNodeName() != null));

    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      perNode.merge(nodeOf("web-" + i), 1, Integer::sum);
    }
    assertThat(perNode)
        .containsOnly(Map.entry("node-1", 2), Map.entry("node-2", 2), Map.entry("node-3", 2));
    assertThat(scheduledCondition("web-0"))
        .get()
        .extracting(PodCondition::getStatus)
        .isEqualTo("True");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(eventsOf("web-0"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("Scheduled");
                          assertThat(e.getType()).isEqualTo("Normal");
                          assertThat(e.getMessage())
                              .isEqualTo(
                                  "Successfully assigned default/web-0 to " + nodeOf("web-0"));
                          assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
                        }));
  }

  @Test
  void aCordonedNodeGetsNoNewPods() {
    nodes.patch(
        null, "node-2", PatchType.STRATEGIC_MERGE_PATCH, "{\"spec\":{\"unschedulable\":true}}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                scheduler
                    .cachedNode("node-2")
                    .map(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                    .orElse(false));
    for (int i = 0; i < 9; i++) {
      pods.create(unregistered(pod("p" + i).build()));
    }
    await().atMost(WAIT).until(() -> scheduler.boundCount() == 9);
    for (int i = 0; i < 9; i++) {
      assertThat(nodeOf("p" + i)).isIn("node-1", "node-3");
    }
  }

  @Test
  void anUnsatisfiableNodeSelectorFailsUntilANodeGetsTheLabel() {
    pods.create(unregistered(pod("db").nodeSelector("disk", "ssd").build()));
    String message =
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
            + " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(eventsOf("db"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("FailedScheduling");
                          assertThat(e.getMessage()).isEqualTo(message);
                        }));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(scheduledCondition("db"))
                    .get()
                    .satisfies(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("Unschedulable");
                          assertThat(c.getMessage()).isEqualTo(message);
                        }));
    assertThat(nodeOf("db")).isNull();

    nodes.patch(
        null,
        "node-3",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"metadata\":{\"labels\":{\"disk\":\"ssd\"}}}");
    await().atMost(WAIT).until(() -> "node-3".equals(nodeOf("db")));
    assertThat(scheduledCondition("db"))
        .get()
        .extracting(PodCondition::getStatus)
        .isEqualTo("True");
  }

  @Test
  void aTaintKeepsPodsWithoutTheTolerationAway() {
    nodes.patch(
        null,
        "node-1",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]}}");
    nodes.patch(
        null,
        "node-2",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]}}");
    for (String n : List.of("node-1", "node-2")) {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  scheduler
                      .cachedNode(n)
                      .map(
                          x ->
                              x.getSpec().getTaints() != null && !x.getSpec().getTaints().isEmpty())
                      .orElse(false));
    }
    for (int i = 0; i < 4; i++) {
      pods.create(unregistered(pod("plain-" + i).build()));
    }
    pods.create(
        unregistered(
            pod("ml")
                .toleration("dedicated", "Equal", "gpu", "NoSchedule")
                .nodeSelector("kubernetes.io/hostname", "node-1")
                .build()));
    await().atMost(WAIT).until(() -> scheduler.boundCount() == 5);
    for (int i = 0; i < 4; i++) {
      assertThat(nodeOf("plain-" + i)).isEqualTo("node-3");
    }
    assertThat(nodeOf("ml")).isEqualTo("node-1");
  }
}
