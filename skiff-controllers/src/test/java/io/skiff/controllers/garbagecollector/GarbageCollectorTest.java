package io.skiff.controllers.garbagecollector;

import static io.skiff.controllers.testcluster.Fixtures.configMap;
import static io.skiff.controllers.testcluster.Fixtures.controllerRef;
import static io.skiff.controllers.testcluster.Fixtures.deployment;
import static io.skiff.controllers.testcluster.Fixtures.pod;
import static io.skiff.controllers.testcluster.Fixtures.ref;
import static io.skiff.controllers.testcluster.Fixtures.refTo;
import static io.skiff.controllers.testcluster.Fixtures.replicaSet;
import static io.skiff.controllers.testcluster.Fixtures.withFinalizer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.skiff.api.patch.PatchType;
import io.skiff.controllers.testcluster.Action;
import io.skiff.controllers.testcluster.TestCluster;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each propagation mode end to end through the collector's algorithms, against the real API
 * semantics (in-process registry, manual clock), with the informers played by {@link GcHarness}.
 */
class GarbageCollectorTest {

  private static final String NS = "default";
  private static final String HOLD = "example.com/hold";

  private final GcHarness h = new GcHarness();
  private final TestCluster c = h.cluster;

  @AfterEach
  void close() {
    h.close();
  }

  private static DeleteOptions policy(String policy) {
    return new DeleteOptionsBuilder().withPropagationPolicy(policy).build();
  }

  private void delete(HasMetadata obj, String policy) {
    c.client
        .resources(obj.getClass())
        .delete(obj.getMetadata().getNamespace(), obj.getMetadata().getName(), policy(policy));
  }

  private boolean exists(HasMetadata obj) {
    return c.get(obj.getClass(), obj.getMetadata().getNamespace(), obj.getMetadata().getName())
        .filter(o -> o.getMetadata().getUid().equals(obj.getMetadata().getUid()))
        .isPresent();
  }

  private List<Action> gcDeletes() {
    return h.actions().stream().filter(a -> a.verb().equals("delete")).toList();
  }

  /** A Deployment owning a ReplicaSet owning two pods, as the workload controllers leave them. */
  private record Chain(Deployment deploy, ReplicaSet rs, Pod p1, Pod p2) {}

  private Chain chain() {
    Deployment d = c.create(deployment(NS, "web"));
    ReplicaSet rs = c.create(replicaSet(NS, "web-1", controllerRef(d)));
    Pod p1 = c.create(pod(NS, "web-1-a", controllerRef(rs)));
    Pod p2 = c.create(pod(NS, "web-1-b", controllerRef(rs)));
    h.settle();
    c.clearActions();
    return new Chain(d, rs, p1, p2);
  }

  // ---- background ----

  @Test
  void backgroundDeletionRemovesTheDependentsLevelByLevel() {
    Chain ch = chain();
    delete(ch.deploy(), "Background");
    assertThat(exists(ch.deploy())).isFalse();
    assertThat(exists(ch.rs())).isTrue();

    h.settle();

    assertThat(exists(ch.rs())).isFalse();
    assertThat(exists(ch.p1())).isFalse();
    assertThat(exists(ch.p2())).isFalse();
    List<Action> deletes = gcDeletes().subList(1, gcDeletes().size());
    assertThat(deletes).extracting(Action::resource).containsExactly("replicasets", "pods", "pods");
    for (Action a : deletes) {
      // Every deletion names the uid the collector judged and lets the next level go the same way.
      assertThat(a.deleteOptions().getPropagationPolicy()).isEqualTo("Background");
      String uid =
          a.resource().equals("replicasets")
              ? ch.rs().getMetadata().getUid()
              : a.name().equals("web-1-a")
                  ? ch.p1().getMetadata().getUid()
                  : ch.p2().getMetadata().getUid();
      assertThat(a.deleteOptions().getPreconditions().getUid()).isEqualTo(uid);
    }
  }

  @Test
  void aDependentWithAnotherLiveOwnerOnlyLosesTheDanglingReference() {
    ConfigMap gone = c.create(configMap(NS, "gone"));
    ConfigMap stays = c.create(configMap(NS, "stays"));
    ConfigMap shared =
        c.create(configMap(NS, "shared", ref(gone, false, false), ref(stays, false, false)));
    h.settle();
    c.clearActions();

    delete(gone, "Background");
    h.settle();

    assertThat(exists(shared)).isTrue();
    assertThat(c.reread(shared).getMetadata().getOwnerReferences())
        .extracting(r -> r.getName())
        .containsExactly("stays");
    assertThat(h.actions())
        .filteredOn(a -> a.verb().equals("patch"))
        .extracting(Action::patch)
        .containsExactly(
            PatchType.STRATEGIC_MERGE_PATCH.mediaType()
                + " {\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":\""
                + gone.getMetadata().getUid()
                + "\"}],\"uid\":\""
                + shared.getMetadata().getUid()
                + "\"}}");
  }

  // ---- dangling owners ----

  @Test
  void aDependentWhoseOwnerNeverExistedIsDeleted() {
    Pod orphan =
        c.create(pod(NS, "p", refTo("apps/v1", "ReplicaSet", "never", "0000-never-existed")));
    ConfigMap sameNameOtherUid = c.create(configMap(NS, "owner"));
    ConfigMap pointsAtAnotherUid =
        c.create(configMap(NS, "d", refTo("v1", "ConfigMap", "owner", "an-older-uid")));
    h.settle();

    assertThat(exists(orphan)).isFalse();
    // The owner's name exists, but as another object: the reference dangles all the same.
    assertThat(exists(pointsAtAnotherUid)).isFalse();
    assertThat(exists(sameNameOtherUid)).isTrue();
    // The virtual node of the owner that was never found is gone from the graph too.
    assertThat(h.gc.graph().node("0000-never-existed")).isEmpty();
  }

  @Test
  void aDependentSeenBeforeItsOwnerIsNotCollected() {
    ConfigMap owner = c.create(configMap(NS, "owner"));
    ConfigMap dep = c.create(configMap(NS, "dep", ref(owner, true, true)));
    // Only the dependent reaches the graph: its owner is a virtual node the collector looks up.
    h.gc.eventsOf(c.client.resources(ConfigMap.class).type()).onAdd(dep);
    h.gc.graph().processPending();
    assertThat(h.gc.graph().node(owner.getMetadata().getUid()).orElseThrow().isObserved())
        .isFalse();
    while (h.gc.attemptToDeleteQueue().length() > 0) {
      try {
        h.gc.processAttemptToDelete();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(exists(dep)).isTrue();
    assertThat(gcDeletes()).isEmpty();

    h.settle();
    assertThat(h.node(owner).isObserved()).isTrue();
    assertThat(exists(dep)).isTrue();
  }

  // ---- foreground ----

  @Test
  void foregroundKeepsTheOwnerUntilItsBlockingDependentsAreGone() {
    ReplicaSet rs = c.create(replicaSet(NS, "rs"));
    Pod held = c.create(withFinalizer(pod(NS, "held", controllerRef(rs)), HOLD));
    Pod other = c.create(pod(NS, "other", controllerRef(rs)));
    h.settle();

    delete(rs, "Foreground");
    h.settle();

    // The pods were deleted; one is held by its finalizer, so the owner waits.
    assertThat(exists(other)).isFalse();
    assertThat(c.reread(held).getMetadata().getDeletionTimestamp()).isNotNull();
    ReplicaSet waiting = c.reread(rs);
    assertThat(waiting.getMetadata().getFinalizers()).containsExactly("foregroundDeletion");
    assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();

    c.client
        .resources(Pod.class)
        .patch(NS, "held", PatchType.MERGE_PATCH, "{\"metadata\":{\"finalizers\":null}}");
    h.settle();

    assertThat(exists(held)).isFalse();
    assertThat(exists(rs)).isFalse();
    // The finalizer went with a merge patch conditional on the version read.
    Action last = h.actions().getLast();
    assertThat(last.is("patch", "replicasets", "rs")).isTrue();
    assertThat(last.patch())
        .startsWith(PatchType.MERGE_PATCH.mediaType() + " {\"metadata\":{\"resourceVersion\":\"")
        .endsWith("\",\"finalizers\":null}}");
  }

  @Test
  void nonBlockingDependentsDoNotHoldAForegroundDeletion() {
    ConfigMap owner = c.create(configMap(NS, "owner"));
    ConfigMap dep = c.create(withFinalizer(configMap(NS, "dep", ref(owner, false, false)), HOLD));
    h.settle();

    delete(owner, "Foreground");
    h.settle();

    assertThat(exists(owner)).isFalse();
    // It was deleted too, but its own finalizer keeps it for now.
    assertThat(c.reread(dep).getMetadata().getDeletionTimestamp()).isNotNull();
  }

  @Test
  void foregroundCascadesThroughDependentsThatHaveDependents() {
    Chain ch = chain();
    delete(ch.deploy(), "Foreground");
    h.settle();

    assertThat(exists(ch.deploy())).isFalse();
    assertThat(exists(ch.rs())).isFalse();
    assertThat(exists(ch.p1())).isFalse();
    assertThat(exists(ch.p2())).isFalse();
    List<Action> deletes = gcDeletes();
    // The ReplicaSet had dependents, so it went in the foreground too; its pods in the background.
    Action rsDelete =
        deletes.stream().filter(a -> a.resource().equals("replicasets")).findFirst().orElseThrow();
    assertThat(rsDelete.deleteOptions().getPropagationPolicy()).isEqualTo("Foreground");
    assertThat(deletes)
        .filteredOn(a -> a.resource().equals("pods"))
        .extracting(a -> a.deleteOptions().getPropagationPolicy())
        .containsOnly("Background");
    // The Deployment is released last, after its ReplicaSet.
    List<Action> finalizerPatches =
        h.actions().stream().filter(a -> a.verb().equals("patch")).toList();
    assertThat(finalizerPatches)
        .extracting(Action::resource)
        .containsExactly("replicasets", "deployments");
  }

  @Test
  void aDependentWithAnotherOwnerStopsBlockingAForegroundOwner() {
    ConfigMap owner = c.create(configMap(NS, "owner"));
    ConfigMap keeper = c.create(configMap(NS, "keeper"));
    ConfigMap dep =
        c.create(configMap(NS, "dep", ref(owner, false, true), ref(keeper, false, false)));
    h.settle();

    delete(owner, "Foreground");
    h.settle();

    assertThat(exists(owner)).isFalse();
    assertThat(exists(dep)).isTrue();
    assertThat(c.reread(dep).getMetadata().getOwnerReferences())
        .extracting(r -> r.getName())
        .containsExactly("keeper");
  }

  // ---- orphan ----

  @Test
  void orphanRemovesTheOwnersReferencesAndLeavesTheDependents() {
    ReplicaSet rs = c.create(replicaSet(NS, "rs"));
    ConfigMap other = c.create(configMap(NS, "other"));
    Pod p1 = c.create(pod(NS, "p1", controllerRef(rs)));
    Pod p2 = c.create(pod(NS, "p2", controllerRef(rs), ref(other, false, false)));
    h.settle();
    c.clearActions();

    delete(rs, "Orphan");
    assertThat(c.reread(rs).getMetadata().getFinalizers()).containsExactly("orphan");
    h.settle();

    assertThat(exists(rs)).isFalse();
    assertThat(c.reread(p1).getMetadata().getOwnerReferences()).isEmpty();
    assertThat(c.reread(p2).getMetadata().getOwnerReferences())
        .extracting(r -> r.getName())
        .containsExactly("other");
    assertThat(gcDeletes()).extracting(Action::resource).containsExactly("replicasets");
    String rsUid = rs.getMetadata().getUid();
    assertThat(h.actions())
        .filteredOn(a -> a.is("patch", "pods", "p1"))
        .extracting(Action::patch)
        .containsExactly(
            PatchType.STRATEGIC_MERGE_PATCH.mediaType()
                + " {\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":\""
                + rsUid
                + "\"}],\"uid\":\""
                + p1.getMetadata().getUid()
                + "\"}}");
    // The owner's finalizer went only after its dependents were released.
    assertThat(h.actions().getLast().is("patch", "replicasets", "rs")).isTrue();
  }

  @Test
  void anOrphanedDependentIsNotCollectedLater() {
    ReplicaSet rs = c.create(replicaSet(NS, "rs"));
    Pod p = c.create(pod(NS, "p", controllerRef(rs)));
    h.settle();
    delete(rs, "Orphan");
    h.settle();
    c.clearActions();

    h.settle();
    c.clock.advance(java.time.Duration.ofMinutes(30));
    h.settle();
    assertThat(exists(p)).isTrue();
    assertThat(h.actions()).isEmpty();
  }
}
