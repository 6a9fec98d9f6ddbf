package io.skiff.scheduler;

import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.skiff.api.errors.StatusError;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.clock.ManualClock;
import io.skiff.scheduler.SchedulingQueue.Place;
import io.skiff.scheduler.plugins.DefaultProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's loop against fakes: informer notifications go straight to its handlers, bindings
 * and status patches are recorded, events too; the clock is manual and work runs inline.
 */
class SchedulerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Recorded(String object, String type, String reason, String message) {}

  private final ManualClock clock = new ManualClock();
  private final List<Recorded> events = new ArrayList<>();
  private final FakePods api = new FakePods();
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          DefaultProfile.create(new Random(3), 0),
          new EventRecorder() {
            @Override
            public void event(HasMetadata involved, String type, String reason, String message) {
              events.add(new Recorded(involved.getMetadata().getName(), type, reason, message));
            }
          },
          api,
          Runnable::run,
          4,
          Scheduler.DEFAULT_SCHEDULER_NAME);
  private final ResourceEventHandler<Node> nodes = scheduler.nodeHandler();
  private final ResourceEventHandler<Pod> pods = scheduler.podHandler();

  /** The API as the scheduler sees it: pods by name, bindings and patches made. */
  final class FakePods implements PodWriter {
    final Map<String, Pod> current = new HashMap<>();
    final Map<String, String> bindings = new LinkedHashMap<>();
    final List<String> patches = new ArrayList<>();
    RuntimeException failNextBind;

    @Override
    public void bind(Pod pod, String node) {
      if (failNextBind != null) {
        RuntimeException e = failNextBind;
        failNextBind = null;
        throw e;
      }
      bindings.put(pod.getMetadata().getName(), node);
    }

    @Override
    public void patchStatus(Pod pod, String patch) {
      patches.add(pod.getMetadata().getName() + " " + patch);
    }

    @Override
    public Optional<Pod> current(Pod pod) {
      return Optional.ofNullable(current.get(pod.getMetadata().getName()));
    }
  }

  private void addNode(Node n) {
    nodes.onAdd(n);
  }

  private void addPod(Pod p) {
    api.current.put(p.getMetadata().getName(), p);
    pods.onAdd(p);
  }

  private void schedulePending() throws InterruptedException {
    while (scheduler.scheduleOne(false)) {
      // until nothing is ready
    }
  }

  /** Delivers the informer's view of the bindings made so far: the pods now have a node. */
  private void informerSeesBindings() {
    api.bindings.forEach(
        (name, node) -> {
          Pod old = api.current.get(name);
          if (old.getSpec().getNodeName() == null) {
            Pod bound = new PodBuilder(old).editSpec().withNodeName(node).endSpec().build();
            api.current.put(name, bound);
            pods.onUpdate(old, bound);
          }
        });
  }

  private List<Recorded> failures() {
    return events.stream().filter(e -> e.reason().equals("FailedScheduling")).toList();
  }

  private static Node hostNode(String name) {
    return node(name).label("kubernetes.io/hostname", name).build();
  }

  @Test
  void bindsPendingPodsAndSpreadsReplicas() throws InterruptedException {
    addNode(hostNode("node-1"));
    addNode(hostNode("node-2"));
    addNode(hostNode("node-3"));
    for (int i = 0; i < 6; i++) {
      addPod(pod("web-" + i).cpu("100m").ownedBy("ReplicaSet", "rs-web").build());
    }
    schedulePending();

    assertThat(api.bindings).hasSize(6);
    Map<String, Integer> perNode = new HashMap<>();
    api.bindings.values().forEach(n -> perNode.merge(n, 1, Integer::sum));
    assertThat(perNode)
        .containsOnly(Map.entry("node-1", 2), Map.entry("node-2", 2), Map.entry("node-3", 2));
    assertThat(events)
        .contains(
            new Recorded(
                "web-0",
                "Normal",
                "Scheduled",
                "Successfully assigned default/web-0 to " + api.bindings.get("web-0")));
    assertThat(scheduler.boundCount()).isEqualTo(6);
  }

  @Test
  void assumedPodsKeepAFastLoopFromOversubscribing() throws InterruptedException {
    addNode(node("node-1").cpu("1").build());
    for (int i = 0; i < 3; i++) {
      addPod(pod("p" + i).cpu("400m").build());
    }
    // None of the bindings is seen by the informer before the next pod is scheduled.
    schedulePending();
    assertThat(api.bindings).containsOnlyKeys("p0", "p1");
    assertThat(failures())
        .containsExactly(
            new Recorded(
                "p2",
                "Warning",
                "FailedScheduling",
                "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available:"
                    + " 1 No preemption victims found for incoming pod."));
    // Confirming the assumptions changes nothing in the accounting.
    informerSeesBindings();
    assertThat(scheduler.podsOn("node-1")).containsExactlyInAnyOrder("p0", "p1");
  }

  @Test
  void cordonedNodesGetNoNewPods() throws InterruptedException {
    addNode(hostNode("node-1"));
    addNode(node("node-2").label("kubernetes.io/hostname", "node-2").unschedulable().build());
    for (int i = 0; i < 5; i++) {
      addPod(pod("p" + i).build());
    }
    addPod(
        pod("tolerant")
            .toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule")
            .nodeSelector("kubernetes.io/hostname", "node-2")
            .build());
    schedulePending();
    assertThat(api.bindings)
        .containsEntry("p0", "node-1")
        .containsEntry("p1", "node-1")
        .containsEntry("p2", "node-1")
        .containsEntry("p3", "node-1")
        .containsEntry("p4", "node-1")
        .containsEntry("tolerant", "node-2");
  }

  @Test
  void taintedNodesGetOnlyPodsThatTolerateThem() throws InterruptedException {
    addNode(node("gpu").taint("dedicated", "gpu", "NoSchedule").build());
    addPod(pod("plain").build());
    addPod(pod("ml").toleration("dedicated", "Equal", "gpu", "NoSchedule").build());
    schedulePending();
    assertThat(api.bindings).containsOnlyKeys("ml");
    assertThat(failures())
        .extracting(Recorded::message)
        .containsExactly(
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}."
                + " preemption: 0/1 nodes are available: 1 Preemption is not helpful for"
                + " scheduling.");
  }

  @Test
  void anUnsatisfiableNodeSelectorWaitsUntilANodeGetsTheLabel() throws Exception {
    Node plain = hostNode("node-1");
    addNode(plain);
    addNode(hostNode("node-2"));
    addPod(pod("db").nodeSelector("disk", "ssd").build());
    schedulePending();

    String message =
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."
            + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    assertThat(failures()).extracting(Recorded::message).containsExactly(message);
    assertThat(scheduler.placeOf("uid-db")).isEqualTo(Place.UNSCHEDULABLE);
    assertThat(api.patches).hasSize(1);
    JsonNode condition =
        JSON.readTree(api.patches.get(0).substring("db ".length())).at("/status/conditions/0");
    assertThat(condition.get("type").asText()).isEqualTo("PodScheduled");
    assertThat(condition.get("status").asText()).isEqualTo("False");
    assertThat(condition.get("reason").asText()).isEqualTo("Unschedulable");
    assertThat(condition.get("message").asText()).isEqualTo(message);
    assertThat(condition.get("lastTransitionTime").asText()).isEqualTo("2024-01-01T00:00:00Z");

    // A heartbeat changes nothing the filters look at: the pod stays put.
    Node heartbeat =
        new io.fabric8.kubernetes.api.model.NodeBuilder(plain)
            .editMetadata()
            .withResourceVersion("9")
            .endMetadata()
            .build();
    nodes.onUpdate(plain, heartbeat);
    assertThat(scheduler.placeOf("uid-db")).isEqualTo(Place.UNSCHEDULABLE);

    Node labelled =
        node("node-1").label("kubernetes.io/hostname", "node-1").label("disk", "ssd").build();
    nodes.onUpdate(heartbeat, labelled);
    schedulePending();
    assertThat(api.bindings).containsExactly(Map.entry("db", "node-1"));
  }

  @Test
  void theConditionIsOnlyPatchedWhenItChanges() throws Exception {
    addNode(node("node-1").cpu("1").build());
    Pod p = pod("big").cpu("2").build();
    addPod(p);
    schedulePending();
    assertThat(api.patches).hasSize(1);

    // The informer now has the condition the scheduler wrote.
    Pod withCondition =
        new PodBuilder(p)
            .editStatus()
            .addToConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withLastTransitionTime("2024-01-01T00:00:00Z")
                    .withMessage(failures().get(0).message())
                    .build())
            .endStatus()
            .build();
    api.current.put("big", withCondition);
    pods.onUpdate(p, withCondition);
    clock.advance(Duration.ofMinutes(5));
    schedulePending();
    // Retried after five minutes, failed the same way: a second event, no second patch.
    assertThat(failures()).hasSize(2);
    assertThat(api.patches).hasSize(1);

    // A big enough node appears, but tainted: the message changes, the transition time does not.
    addNode(node("node-2").cpu("4").taint("k", "v", "NoSchedule").build());
    clock.advance(Duration.ofSeconds(10));
    schedulePending();
    assertThat(api.patches).hasSize(2);
    JsonNode condition =
        JSON.readTree(api.patches.get(1).substring("big ".length())).at("/status/conditions/0");
    assertThat(condition.get("message").asText())
        .startsWith(
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}.");
    assertThat(condition.get("lastTransitionTime").asText()).isEqualTo("2024-01-01T00:00:00Z");
  }

  @Test
  void aFailedBindingIsForgottenAndRetriedAfterBackoff() throws InterruptedException {
    addNode(node("node-1").cpu("1").build());
    addPod(pod("a").cpu("600m").build());
    api.failNextBind = StatusError.internal("etcd is down");
    schedulePending();
    assertThat(api.bindings).isEmpty();
    assertThat(scheduler.podsOn("node-1")).isEmpty();
    assertThat(failures())
        .extracting(Recorded::message)
        .containsExactly("Internal error occurred: etcd is down");
    assertThat(api.patches.get(0)).contains("\"reason\":\"SchedulerError\"");
    assertThat(scheduler.placeOf("uid-a")).isEqualTo(Place.ERROR_BACKOFF);

    clock.advance(Duration.ofSeconds(1));
    schedulePending();
    assertThat(api.bindings).containsExactly(Map.entry("a", "node-1"));
  }

  @Test
  void aBindingRejectedBecauseThePodIsGoneIsNotRetried() throws InterruptedException {
    addNode(node("node-1").build());
    addPod(pod("a").build());
    api.current.remove("a");
    api.failNextBind =
        StatusError.notFound(
            io.skiff.api.ResourceRegistry.builtin().byResource("", "v1", "pods").orElseThrow(),
            "a");
    schedulePending();
    assertThat(scheduler.placeOf("uid-a")).isNull();
    assertThat(failures()).isEmpty();
  }

  @Test
  void aPodThatDidNotFitIsRetriedWhenAnotherLeavesItsNode() throws InterruptedException {
    addNode(node("node-1").cpu("1").build());
    addPod(pod("first").cpu("800m").build());
    schedulePending();
    informerSeesBindings();
    addPod(pod("second").cpu("800m").build());
    schedulePending();
    assertThat(scheduler.placeOf("uid-second")).isEqualTo(Place.UNSCHEDULABLE);

    pods.onDelete(api.current.remove("first"));
    schedulePending();
    assertThat(api.bindings).containsEntry("second", "node-1");
    assertThat(scheduler.podsOn("node-1")).containsExactly("second");
  }

  @Test
  void withoutNodesPodsWaitForTheFirstNode() throws InterruptedException {
    addPod(pod("early").build());
    schedulePending();
    assertThat(failures())
        .extracting(Recorded::message)
        .containsExactly("no nodes available to schedule pods");
    addNode(node("node-1").build());
    schedulePending();
    assertThat(api.bindings).containsExactly(Map.entry("early", "node-1"));
  }

  @Test
  void podsAlreadyOnANodeAreCountedNotScheduled() throws InterruptedException {
    addNode(node("node-1").pods(2).build());
    addPod(pod("running").nodeName("node-1").build());
    addPod(pod("finished").nodeName("node-1").build());
    Pod done =
        new PodBuilder(api.current.get("finished"))
            .editStatus()
            .withPhase("Succeeded")
            .endStatus()
            .build();
    pods.onUpdate(api.current.get("finished"), done);
    addPod(pod("elsewhere").schedulerName("my-scheduler").build());
    addPod(pod("new").build());
    addPod(pod("third").build());
    schedulePending();
    // "finished" no longer counts; "running" and "new" fill the node's two pod slots.
    assertThat(api.bindings).containsOnlyKeys("new");
    assertThat(scheduler.podsOn("node-1")).containsExactlyInAnyOrder("running", "new");
    assertThat(failures()).extracting(Recorded::object).containsExactly("third");
    assertThat(failures().get(0).message()).startsWith("0/1 nodes are available: 1 Too many pods.");
    assertThat(scheduler.placeOf("uid-elsewhere")).isNull();
  }

  @Test
  void aPodBeingDeletedIsNotScheduled() throws InterruptedException {
    addNode(node("node-1").build());
    addPod(pod("leaving").terminating().build());
    schedulePending();
    assertThat(api.bindings).isEmpty();
    assertThat(failures())
        .containsExactly(
            new Recorded(
                "leaving",
                "Warning",
                "FailedScheduling",
                "skip schedule deleting pod: default/leaving"));
  }

  @Test
  void longMessagesAreTruncatedAsUpstreamTruncatesThem() {
    String longMessage = "x".repeat(2000);
    String t = Scheduler.truncate(longMessage);
    assertThat(t).hasSize(1024).endsWith("x ...");
    assertThat(Scheduler.truncate("short")).isEqualTo("short");
  }
}
