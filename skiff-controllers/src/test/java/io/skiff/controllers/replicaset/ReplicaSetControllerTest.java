package io.skiff.controllers.replicaset;

import static io.skiff.controllers.replicaset.Fixtures.newPod;
import static io.skiff.controllers.replicaset.Fixtures.newReplicaSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeObjects;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.FakeKubeClient.Action;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The controller against a fake API that records what it does, on a manual clock; the informer
 * caches are fed by hand, as upstream's tests do, so each test decides what the controller has
 * "seen".
 */
class ReplicaSetControllerTest {

  /** Selects the template's pods, as validation requires. */
  static final Map<String, String> LABELS = Map.of("name", "foo");

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final ReplicaSetController<ReplicaSet> controller = ReplicaSetController.create(ctx);
  private final Indexer<ReplicaSet> rsCache =
      ctx.informers().informerFor(ReplicaSet.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();

  private ReplicaSet givenReplicaSet(ReplicaSet rs) {
    ReplicaSet stored = client.seed(rs);
    rsCache.put(stored);
    return stored;
  }

  private Pod givenPod(Pod pod) {
    Pod stored = client.seed(pod);
    podCache.put(stored);
    return stored;
  }

  /** The informers catch up with the API: caches replaced, pod handlers told what changed. */
  private void informersCatchUp() {
    Set<String> live = new HashSet<>();
    for (Pod p : client.stored(Pod.class)) {
      live.add(KubeObjects.key(p));
      var old = podCache.put(p);
      if (old.isEmpty()) {
        controller.addPod(p);
      } else if (!old.get()
          .getMetadata()
          .getResourceVersion()
          .equals(p.getMetadata().getResourceVersion())) {
        controller.updatePod(old.get(), p);
      }
    }
    for (Pod cached : podCache.list()) {
      if (!live.contains(KubeObjects.key(cached))) {
        podCache.remove(cached);
        controller.deletePod(cached);
      }
    }
    client.stored(ReplicaSet.class).forEach(rsCache::put);
  }

  private ReplicaSet storedRs() {
    return client.stored(ReplicaSet.class, "default", "foobar").orElseThrow();
  }

  private static String key(ReplicaSet rs) {
    return KubeObjects.key(rs);
  }

  private List<Action> podWrites() {
    return client.writes().stream().filter(a -> a.resource().equals("pods")).toList();
  }

  @Test
  void createsTheMissingPodsFromTheTemplateWithAControllerReference() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(3, LABELS));

    controller.sync(key(rs));

    List<Action> creates = client.actions("create", "pods");
    assertThat(creates).hasSize(3);
    for (Action a : creates) {
      Pod pod = (Pod) a.object();
      assertThat(pod.getMetadata().getGenerateName()).isEqualTo("foobar-");
      assertThat(pod.getMetadata().getNamespace()).isEqualTo("default");
      assertThat(pod.getMetadata().getLabels())
          .isEqualTo(Map.of("name", "foo", "type", "production"));
      assertThat(pod.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              ref -> {
                assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
                assertThat(ref.getKind()).isEqualTo("ReplicaSet");
                assertThat(ref.getName()).isEqualTo("foobar");
                assertThat(ref.getUid()).isEqualTo(rs.getMetadata().getUid());
                assertThat(ref.getController()).isTrue();
                assertThat(ref.getBlockOwnerDeletion()).isTrue();
              });
      assertThat(pod.getSpec().getContainers())
          .extracting(c -> c.getImage())
          .containsExactly("foo/bar");
    }
    assertThat(events.events())
        .hasSize(3)
        .allMatch(
            e ->
                e.matches("ReplicaSet foobar: Normal SuccessfulCreate Created pod: foobar-\\d{5}"));
    assertThat(storedRs().getStatus().getReplicas()).isZero();
    assertThat(storedRs().getStatus().getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void expectationsBlockDuplicateCreatesUntilTheInformerSeesThePods() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(3, LABELS));
    controller.sync(key(rs));
    assertThat(client.actions("create", "pods")).hasSize(3);
    client.clearActions();

    // The cache does not show the pods yet: a level-triggered sync would create 3 more.
    controller.sync(key(rs));
    assertThat(client.actions("create", "pods")).isEmpty();

    informersCatchUp();
    assertThat(controller.expectations().satisfiedExpectations(key(rs))).isTrue();
    controller.sync(key(rs));
    assertThat(client.actions("create", "pods")).isEmpty();
    assertThat(storedRs().getStatus().getReplicas()).isEqualTo(3);
  }

  @Test
  void expectationsThatAreNeverMetExpireAfterFiveMinutes() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(2, LABELS));
    controller.sync(key(rs));
    client.clearActions();
    clock.advance(Duration.ofMinutes(5));
    controller.sync(key(rs));
    assertThat(client.actions("create", "pods")).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    controller.sync(key(rs));
    assertThat(client.actions("create", "pods")).as("the lost pods are created again").hasSize(2);
  }

  @Test
  void aQuotaLikeFailureStopsTheSlowStartAndSetsReplicaFailure() {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(100, LABELS));
    AtomicInteger creates = new AtomicInteger();
    client.prependReactor(
        "create",
        "pods",
        a ->
            creates.incrementAndGet() > 10
                ? StatusError.forbidden(client.resources(Pod.class).type(), "", "exceeded quota")
                : null);

    assertThatThrownBy(() -> controller.sync(key(rs))).hasMessageContaining("exceeded quota");

    // Batches of 1, 2, 4 succeed; the batch of 8 has 3 successes and 5 failures; no batch of 16.
    assertThat(client.actions("create", "pods")).hasSize(15);
    assertThat(client.stored(Pod.class)).hasSize(10);
    assertThat(events.events().stream().filter(e -> e.contains("FailedCreate"))).hasSize(5);
    assertThat(events.events())
        .contains(
            "ReplicaSet foobar: Warning FailedCreate Error creating: pods \"\" is forbidden: exceeded quota");
    assertThat(controller.expectations().get(key(rs)).orElseThrow().adds())
        .as("only the 10 created pods are still expected")
        .isEqualTo(10);
    assertThat(storedRs().getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("ReplicaFailure");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("FailedCreate");
              assertThat(c.getMessage()).isEqualTo("pods \"\" is forbidden: exceeded quota");
            });
  }

  @Test
  void aSuccessfulSyncRemovesTheReplicaFailureCondition() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    AtomicBoolean failing = new AtomicBoolean(true);
    client.prependReactor(
        "create", "pods", a -> failing.get() ? StatusError.internal("boom") : null);
    assertThatThrownBy(() -> controller.sync(key(rs))).isInstanceOf(StatusError.class);
    assertThat(storedRs().getStatus().getConditions())
        .singleElement()
        .extracting(c -> c.getReason(), c -> c.getMessage())
        .containsExactly("FailedCreate", "Internal error occurred: boom");

    failing.set(false);
    rsCache.put(storedRs());
    controller.sync(key(rs));
    assertThat(client.stored(Pod.class)).hasSize(1);
    assertThat(storedRs().getStatus().getConditions()).isNullOrEmpty();
  }

  @Test
  void scaleDownDeletesTheLeastUsefulPodsAndCountsEachDeletionOnce() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(2, LABELS));
    Pod readyPod =
        givenPod(
            new PodBuilder(newPod("ready", rs, "Running", Times.format(clock.now()), true))
                .editSpec()
                .withNodeName("node-1")
                .endSpec()
                .build());
    givenPod(
        new PodBuilder(newPod("not-ready", rs, "Running", null, true))
            .editSpec()
            .withNodeName("node-2")
            .endSpec()
            .editStatus()
            .editFirstCondition()
            .withStatus("False")
            .endCondition()
            .endStatus()
            .build());
    givenPod(newPod("unscheduled", rs, "Pending", null, true));
    givenPod(
        new PodBuilder(newPod("scheduled-pending", rs, "Pending", null, true))
            .editSpec()
            .withNodeName("node-3")
            .endSpec()
            .build());

    controller.sync(key(rs));

    assertThat(client.actions("delete", "pods"))
        .extracting(Action::name)
        .containsExactlyInAnyOrder("unscheduled", "scheduled-pending");
    assertThat(events.events())
        .containsExactlyInAnyOrder(
            "ReplicaSet foobar: Normal SuccessfulDelete Deleted pod: unscheduled",
            "ReplicaSet foobar: Normal SuccessfulDelete Deleted pod: scheduled-pending");
    assertThat(controller.expectations().expectedDeletionKeys(key(rs)))
        .containsExactlyInAnyOrder("default/unscheduled", "default/scheduled-pending");

    // One victim is first seen terminating, then gone: it counts once.
    Pod unscheduled = podCache.get("default", "unscheduled").orElseThrow();
    Pod terminating =
        new PodBuilder(unscheduled)
            .editMetadata()
            .withDeletionTimestamp(Times.format(clock.now()))
            .withResourceVersion("999")
            .endMetadata()
            .build();
    controller.updatePod(unscheduled, terminating);
    controller.deletePod(terminating);
    assertThat(controller.expectations().satisfiedExpectations(key(rs))).isFalse();
    informersCatchUp();
    assertThat(controller.expectations().satisfiedExpectations(key(rs))).isTrue();
    assertThat(podCache.list())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("ready", "not-ready");
    assertThat(readyPod.getMetadata().getName()).isEqualTo("ready");
  }

  @Test
  void aMatchingOrphanIsAdoptedInsteadOfCreatingAPod() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    Pod orphan = givenPod(newPod("orphan", rs, "Running", null, false));
    controller.sync(key(rs));

    assertThat(client.writes())
        .extracting(Object::toString)
        .containsExactly("patch pods default/orphan", "update replicasets/status default/foobar");
    assertThat(client.actions().getFirst().toString())
        .as("a live read of the ReplicaSet before the first adoption")
        .isEqualTo("get replicasets default/foobar");
    Pod adopted = client.stored(Pod.class, "default", "orphan").orElseThrow();
    assertThat(ControllerRefs.isControlledBy(adopted, rs)).isTrue();
    assertThat(orphan.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(storedRs().getStatus().getReplicas()).isEqualTo(1);
  }

  @Test
  void aPodControlledByAnotherControllerIsNeitherAdoptedNorCounted() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(2, LABELS));
    ReplicaSet other =
        new ReplicaSetBuilder(rs)
            .editMetadata()
            .withName("other")
            .withUid("other-uid")
            .endMetadata()
            .build();
    givenPod(newPod("pod", other, "Running", null, true));
    controller.sync(key(rs));
    assertThat(client.actions("patch", "pods")).isEmpty();
    assertThat(client.actions("create", "pods")).hasSize(2);
  }

  @Test
  void anOwnedPodThatStoppedMatchingIsReleasedAndReplaced() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    givenPod(
        new PodBuilder(newPod("strayed", rs, "Running", null, true))
            .editMetadata()
            .withLabels(Map.of("name", "other"))
            .endMetadata()
            .build());
    controller.sync(key(rs));

    assertThat(podWrites())
        .extracting(a -> a.verb() + " " + a.name())
        .containsExactly("patch strayed", "create null");
    assertThat(
            client
                .stored(Pod.class, "default", "strayed")
                .orElseThrow()
                .getMetadata()
                .getOwnerReferences())
        .isNullOrEmpty();
  }

  @Test
  void aReplicaSetBeingDeletedNeitherAdoptsNorCreatesButKeepsItsStatus() throws Exception {
    ReplicaSet rs =
        givenReplicaSet(
            new ReplicaSetBuilder(newReplicaSet(2, LABELS))
                .editMetadata()
                .withDeletionTimestamp(Times.format(clock.now()))
                .endMetadata()
                .build());
    givenPod(newPod("orphan", rs, "Running", null, false));
    givenPod(newPod("mine", rs, "Running", null, true));
    controller.sync(key(rs));
    assertThat(podWrites()).isEmpty();
    assertThat(storedRs().getStatus().getReplicas()).isEqualTo(1);
  }

  @Test
  void noAdoptionWhenTheLiveReplicaSetTurnsOutToBeBeingDeleted() {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(2, LABELS));
    client.seed(
        new ReplicaSetBuilder(rs)
            .editMetadata()
            .withDeletionTimestamp(Times.format(clock.now()))
            .endMetadata()
            .build());
    givenPod(newPod("orphan", rs, "Running", null, false));
    assertThatThrownBy(() -> controller.sync(key(rs)))
        .hasMessageContaining("has just been deleted");
    assertThat(podWrites()).isEmpty();
  }

  @Test
  void readyPodsBecomeAvailableAfterMinReadySecondsAndTheSyncIsRequeuedForIt() throws Exception {
    ReplicaSet rs =
        givenReplicaSet(
            new ReplicaSetBuilder(newReplicaSet(2, LABELS))
                .editSpec()
                .withMinReadySeconds(10)
                .endSpec()
                .build());
    String now = Times.format(clock.now());
    givenPod(newPod("a", rs, "Running", now, true));
    givenPod(newPod("b", rs, "Running", now, true));

    controller.enqueue(key(rs));
    controller.processNextWorkItem();
    assertThat(storedRs().getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(storedRs().getStatus().getAvailableReplicas()).isNull();
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(10));

    informersCatchUp();
    clock.advance(Duration.ofSeconds(10));
    controller.processNextWorkItem();
    assertThat(storedRs().getStatus().getAvailableReplicas())
        .as("10 s is not more than 10 s")
        .isNull();
    clock.advance(Duration.ofSeconds(10));
    controller.processNextWorkItem();
    assertThat(storedRs().getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aPodTurningReadyRequeuesItsReplicaSetAfterMinReadySecondsPlusOne() {
    ReplicaSet rs =
        givenReplicaSet(
            new ReplicaSetBuilder(newReplicaSet(1, LABELS))
                .editSpec()
                .withMinReadySeconds(30)
                .endSpec()
                .build());
    Pod pending = givenPod(newPod("a", rs, "Pending", null, true));
    Pod ready =
        new PodBuilder(newPod("a", rs, "Running", Times.format(clock.now()), true))
            .editMetadata()
            .withUid(pending.getMetadata().getUid())
            .withResourceVersion("100")
            .endMetadata()
            .build();
    controller.updatePod(pending, ready);
    assertThat(controller.queue().length()).isEqualTo(1);
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(31));
  }

  @Test
  void anUnchangedStatusIsNotWrittenAgain() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    givenPod(newPod("a", rs, "Running", null, true));
    controller.sync(key(rs));
    assertThat(client.actions("update", "replicasets")).hasSize(1);
    informersCatchUp();
    client.clearActions();
    controller.sync(key(rs));
    assertThat(client.writes()).isEmpty();
  }

  @Test
  void aFailedStatusWriteIsRetriedOnceAfterAFreshRead() {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    givenPod(newPod("a", rs, "Running", null, true));
    client.prependReactor(
        "update",
        "replicasets",
        a ->
            a.subresource().equals("status")
                ? StatusError.internal("failed to update status")
                : null);
    assertThatThrownBy(() -> controller.sync(key(rs)))
        .hasMessageContaining("failed to update status");
    assertThat(client.actions())
        .extracting(Object::toString)
        .containsExactly(
            "update replicasets/status default/foobar",
            "get replicasets default/foobar",
            "update replicasets/status default/foobar");
  }

  @Test
  void aDeletedReplicaSetForgetsItsExpectations() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(2, LABELS));
    controller.sync(key(rs));
    assertThat(controller.expectations().get(key(rs))).isPresent();
    rsCache.remove(rs);
    controller.deleteController(rs);
    assertThat(controller.expectations().get(key(rs))).isEmpty();
    client.clearActions();
    controller.sync(key(rs));
    assertThat(client.actions()).isEmpty();
  }

  @Test
  void podEventsWakeTheOwnerOrTheControllersThatSelectAnOrphan() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    Pod orphan = newPod("orphan", rs, "Running", null, false);
    controller.addPod(orphan);
    assertThat(controller.queue().get()).contains(key(rs));
    controller.queue().done(key(rs));

    Pod unrelated =
        new PodBuilder(orphan)
            .editMetadata()
            .withLabels(Map.of("foo", "baz"))
            .endMetadata()
            .build();
    controller.addPod(unrelated);
    assertThat(controller.queue().length()).isZero();

    controller.addPod(newPod("mine", rs, "Running", null, true));
    assertThat(controller.queue().length()).isEqualTo(1);
  }

  @Test
  void relatedPodsComeFromEveryReplicaSetOfTheSameOwner() {
    ReplicaSet one = withOwner(newReplicaSet(1, Map.of("foo", "bar")), "rs1", "123");
    ReplicaSet two = withOwner(newReplicaSet(1, Map.of("foo", "baz")), "rs2", "123");
    ReplicaSet unrelated = withOwner(newReplicaSet(1, Map.of("foo", "quux")), "rs3", "456");
    for (ReplicaSet r : List.of(one, two, unrelated)) {
      rsCache.put(r);
    }
    podCache.put(newPod("pod1", one, "Running", null, true));
    podCache.put(newPod("pod2", one, "Running", null, true));
    podCache.put(newPod("pod3", two, "Running", null, true));
    podCache.put(newPod("pod4", unrelated, "Running", null, true));
    assertThat(controller.getReplicaSetsWithSameController(one))
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("rs1", "rs2");
    assertThat(controller.getIndirectlyRelatedPods(one))
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("pod1", "pod2", "pod3");
  }

  private static ReplicaSet withOwner(ReplicaSet rs, String name, String ownerUid) {
    return new ReplicaSetBuilder(rs)
        .editMetadata()
        .withName(name)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName("d")
        .withUid(ownerUid)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  @Test
  void failuresAreRetriedWithBackoffThroughTheQueue() throws Exception {
    ReplicaSet rs = givenReplicaSet(newReplicaSet(1, LABELS));
    client.prependReactor("create", "pods", a -> StatusError.internal("boom"));
    controller.enqueue(key(rs));
    controller.processNextWorkItem();
    assertThat(controller.queue().numRequeues(key(rs))).isEqualTo(1);
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(5));
    assertThat(QueueController.UNLIMITED_RETRIES).isEqualTo(Integer.MAX_VALUE);
  }
}
