package io.skiff.controllers.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.garbagecollector.GraphBuilder.Event;
import io.skiff.controllers.garbagecollector.GraphBuilder.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ownership graph on its own: nodes, virtual owners, and what each change queues. */
class GraphBuilderTest {

  private final ManualClock clock = new ManualClock();
  private final WorkQueue<Node> attemptToDelete =
      new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
  private final WorkQueue<Node> attemptToOrphan =
      new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
  private final AbsentOwnerCache absent = new AbsentOwnerCache(10);
  private final GraphBuilder graph = new GraphBuilder(attemptToDelete, attemptToOrphan, absent);

  private static OwnerReference ref(String name, boolean block) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("ConfigMap")
        .withName(name)
        .withUid("uid-" + name)
        .withBlockOwnerDeletion(block ? true : null)
        .build();
  }

  private static ConfigMap cm(String name, OwnerReference... owners) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName(name)
        .withUid("uid-" + name)
        .withResourceVersion("1")
        .withOwnerReferences(List.of(owners))
        .endMetadata()
        .build();
  }

  private static ConfigMap deleting(ConfigMap cm, String... finalizers) {
    ConfigMap copy = new ConfigMapBuilder(cm).build();
    copy.getMetadata().setDeletionTimestamp("2024-01-01T00:00:00Z");
    copy.getMetadata().setFinalizers(List.of(finalizers));
    return copy;
  }

  private static ObjectIdentity id(ConfigMap cm) {
    return new ObjectIdentity(
        "v1", "ConfigMap", cm.getMetadata().getName(), cm.getMetadata().getUid(), "ns");
  }

  private void add(ConfigMap cm) {
    graph.enqueue(new Event(EventType.ADD, id(cm), cm, null, false));
    graph.processPending();
  }

  private void update(ConfigMap old, ConfigMap now) {
    graph.enqueue(new Event(EventType.UPDATE, id(now), now, old, false));
    graph.processPending();
  }

  private void remove(ConfigMap cm) {
    graph.enqueue(new Event(EventType.DELETE, id(cm), cm, null, false));
    graph.processPending();
  }

  /** The names queued, taking them off the queue. */
  private static List<String> drain(WorkQueue<Node> q) {
    List<String> names = new ArrayList<>();
    try {
      while (q.length() > 0) {
        Node n = q.get().orElseThrow();
        names.add(n.identity().name());
        q.done(n);
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return names;
  }

  private Node node(String name) {
    return graph.node("uid-" + name).orElseThrow();
  }

  @Test
  void anOwnerNotSeenYetIsAVirtualNodeToLookUp() {
    add(cm("dep", ref("owner", true)));

    Node owner = node("owner");
    assertThat(owner.isObserved()).isFalse();
    assertThat(owner.identity())
        .isEqualTo(new ObjectIdentity("v1", "ConfigMap", "owner", "uid-owner", "ns"));
    assertThat(owner.dependents()).containsExactly(node("dep"));
    assertThat(drain(attemptToDelete)).containsExactly("owner");

    add(cm("owner"));
    assertThat(node("owner")).isSameAs(owner);
    assertThat(owner.isObserved()).isTrue();
    assertThat(drain(attemptToDelete)).isEmpty();
  }

  @Test
  void aDeletedOwnerQueuesItsDependentsAndIsRememberedAsAbsent() {
    ConfigMap owner = cm("owner");
    add(owner);
    add(cm("a", ref("owner", false)));
    add(cm("b", ref("owner", false)));
    drain(attemptToDelete);

    remove(owner);

    assertThat(graph.node("uid-owner")).isEmpty();
    assertThat(drain(attemptToDelete)).containsExactlyInAnyOrder("a", "b");
    assertThat(absent.has(id(owner))).isTrue();
  }

  @Test
  void deletionWithTheOrphanFinalizerQueuesTheOwnerForOrphaning() {
    ConfigMap owner = cm("owner");
    add(owner);
    add(cm("dep", ref("owner", true)));

    update(owner, deleting(owner, "orphan"));
    assertThat(drain(attemptToOrphan)).containsExactly("owner");
    assertThat(node("owner").isBeingDeleted()).isTrue();
    assertThat(node("owner").isDeletingDependents()).isFalse();

    // Only the transition counts: the same state again (a resync) queues nothing.
    update(deleting(owner, "orphan"), deleting(owner, "orphan"));
    assertThat(drain(attemptToOrphan)).isEmpty();
  }

  @Test
  void foregroundDeletionQueuesTheOwnerAndEveryDependent() {
    ConfigMap owner = cm("owner");
    add(owner);
    add(cm("blocking", ref("owner", true)));
    add(cm("free", ref("owner", false)));
    drain(attemptToDelete);

    update(owner, deleting(owner, "foregroundDeletion"));

    assertThat(node("owner").isDeletingDependents()).isTrue();
    assertThat(drain(attemptToDelete)).containsExactlyInAnyOrder("blocking", "free", "owner");
    assertThat(node("owner").blockingDependents()).containsExactly(node("blocking"));
  }

  @Test
  void anObjectFirstSeenWhileDeletingInTheForegroundStartsItsDeletion() {
    add(deleting(cm("owner"), "foregroundDeletion"));
    assertThat(node("owner").isDeletingDependents()).isTrue();
    assertThat(drain(attemptToDelete)).containsExactly("owner");
  }

  @Test
  void aDependentThatStopsBlockingQueuesItsOwner() {
    ConfigMap owner = cm("owner");
    add(owner);
    ConfigMap dep = cm("dep", ref("owner", true));
    add(dep);
    drain(attemptToDelete);

    ConfigMap unblocked = cm("dep", ref("owner", false));
    unblocked.getMetadata().setResourceVersion("2");
    update(dep, unblocked);
    assertThat(drain(attemptToDelete)).containsExactly("owner");
    assertThat(node("owner").blockingDependents()).isEmpty();

    ConfigMap released = cm("dep");
    update(unblocked, released);
    // A non-blocking reference going away frees nobody.
    assertThat(drain(attemptToDelete)).isEmpty();
    assertThat(node("owner").dependents()).isEmpty();
  }

  @Test
  void aDeletedDependentQueuesAnOwnerWaitingForIt() {
    ConfigMap owner = cm("owner");
    add(owner);
    ConfigMap dep = cm("dep", ref("owner", true));
    add(dep);
    update(owner, deleting(owner, "foregroundDeletion"));
    drain(attemptToDelete);

    remove(dep);
    assertThat(drain(attemptToDelete)).containsExactly("owner");
    assertThat(node("owner").dependents()).isEmpty();
  }

  @Test
  void aVirtualDeleteRemovesAnOwnerThatWasNeverFound() {
    add(cm("dep", ref("ghost", false)));
    drain(attemptToDelete);

    graph.enqueueVirtualDelete(node("ghost").identity());
    graph.processPending();

    assertThat(graph.node("uid-ghost")).isEmpty();
    assertThat(drain(attemptToDelete)).containsExactly("dep");
    assertThat(absent.has(new ObjectIdentity("v1", "ConfigMap", "ghost", "uid-ghost", "ns")))
        .isTrue();
  }

  @Test
  void dependentsThatNameAnOwnerDifferentlyAreCheckedWhenItIsSeen() {
    OwnerReference wrongKind =
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Secret")
            .withName("owner")
            .withUid("uid-owner")
            .build();
    add(cm("dep", wrongKind));
    drain(attemptToDelete);

    add(cm("owner"));

    assertThat(node("owner").identity().kind()).isEqualTo("ConfigMap");
    assertThat(drain(attemptToDelete)).containsExactly("dep");
  }
}
