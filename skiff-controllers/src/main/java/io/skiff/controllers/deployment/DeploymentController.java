package io.skiff.controllers.deployment;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefManager;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.QueueController;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Upstream's Deployment controller: watches Deployments, the ReplicaSets they own and, for
 * Recreate, their pods; each key's sync claims the ReplicaSets and runs one {@link DeploymentSync}
 * pass, once the cache shows the ReplicaSets the previous passes wrote ({@link UnseenWrites}).
 */
public final class DeploymentController extends QueueController {

  public static final String NAME = "deployment";

  /** Upstream drops a key after this many failed syncs until something queues it again. */
  private static final int MAX_RETRIES = 15;

  /**
   * When a sync waiting for the cache to show its own writes looks again; the ReplicaSet events it
   * waits for queue the Deployment sooner.
   */
  static final Duration UNSEEN_WRITES_RECHECK = Duration.ofSeconds(1);

  private final Resources<Deployment> deployments;
  private final Resources<ReplicaSet> replicaSets;
  private final Lister<Deployment> deploymentLister;
  private final Lister<ReplicaSet> rsLister;
  private final Lister<Pod> podLister;
  private final EventRecorder recorder;
  private final UnseenWrites unseenWrites;

  public DeploymentController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.deployments = ctx.client().resources(Deployment.class);
    this.replicaSets = ctx.client().resources(ReplicaSet.class);
    this.recorder = ctx.recorder("deployment-controller");
    this.unseenWrites = new UnseenWrites(ctx.clock());
    SharedInformer<Deployment> d = ctx.informers().informerFor(Deployment.class);
    SharedInformer<ReplicaSet> rs = ctx.informers().informerFor(ReplicaSet.class);
    SharedInformer<Pod> pods = ctx.informers().informerFor(Pod.class);
    deploymentLister = d.lister();
    rsLister = rs.lister();
    podLister = pods.lister();
    d.addEventHandler(enqueueingHandler());
    rs.addEventHandler(
        ResourceEventHandler.<ReplicaSet>of(
            set -> replicaSetChanged(null, set), this::replicaSetChanged, this::replicaSetDeleted));
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onDelete(Pod pod) {
            // Recreate waits for the old pods to be gone; nothing else needs pod events.
            ControllerRefs.controllerOf(pod)
                .filter(ref -> "ReplicaSet".equals(ref.getKind()))
                .flatMap(ref -> rsLister.get(pod.getMetadata().getNamespace(), ref.getName()))
                .flatMap(DeploymentController.this::ownerOf)
                .filter(dep -> "Recreate".equals(dep.getSpec().getStrategy().getType()))
                .ifPresent(DeploymentController.this::enqueue);
          }
        });
  }

  @Override
  protected int maxRetries() {
    return MAX_RETRIES;
  }

  private void replicaSetChanged(ReplicaSet old, ReplicaSet set) {
    if (old != null) {
      Optional<OwnerReference> was = ControllerRefs.controllerOf(old);
      Optional<OwnerReference> now = ControllerRefs.controllerOf(set);
      if (was.isPresent() && !was.equals(now)) {
        resolve(old.getMetadata().getNamespace(), was.get()).ifPresent(this::enqueue);
      }
    }
    Optional<Deployment> owner = ownerOf(set);
    if (owner.isPresent()) {
      enqueue(owner.get());
      return;
    }
    if (ControllerRefs.controllerOf(set).isEmpty()) {
      // An orphan: every deployment that would adopt it gets a look.
      for (Deployment dep :
          deploymentLister.list(set.getMetadata().getNamespace(), LabelSelector.everything())) {
        if (selector(dep).matches(set.getMetadata().getLabels())) {
          enqueue(dep);
        }
      }
    }
  }

  private void replicaSetDeleted(ReplicaSet set) {
    ControllerRefs.controllerOf(set)
        .filter(ref -> "Deployment".equals(ref.getKind()))
        .ifPresent(
            ref ->
                unseenWrites.deleted(
                    set.getMetadata().getNamespace() + "/" + ref.getName(),
                    set.getMetadata().getName()));
    ownerOf(set).ifPresent(this::enqueue);
  }

  private Optional<Deployment> ownerOf(ReplicaSet set) {
    return ControllerRefs.controllerOf(set)
        .flatMap(ref -> resolve(set.getMetadata().getNamespace(), ref));
  }

  private Optional<Deployment> resolve(String namespace, OwnerReference ref) {
    if (!"Deployment".equals(ref.getKind())) {
      return Optional.empty();
    }
    return deploymentLister
        .get(namespace, ref.getName())
        .filter(d -> Objects.equals(d.getMetadata().getUid(), ref.getUid()));
  }

  private static LabelSelector selector(Deployment d) {
    try {
      return LabelSelector.of(d.getSpec().getSelector());
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  protected Result sync(String key) {
    ObjectKey k = ObjectKey.parse(key);
    Optional<Deployment> cached = deploymentLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      unseenWrites.forget(key);
      return Result.done();
    }
    if (!unseenWrites.seen(key, name -> rsLister.get(k.namespace(), name))) {
      return Result.requeueAfter(UNSEEN_WRITES_RECHECK);
    }
    Deployment d = KubeObjects.deepCopy(cached.get());
    List<ReplicaSet> owned = claimReplicaSets(d);
    Map<String, List<Pod>> pods = podsByReplicaSet(d, owned);
    Instant now = clock().now();
    Duration after = DeploymentSync.sync(cluster(key), d, owned, pods, now);
    return after == null ? Result.done() : Result.requeueAt(now.plus(after));
  }

  private List<ReplicaSet> claimReplicaSets(Deployment d) {
    LabelSelector selector = selector(d);
    List<ReplicaSet> all =
        rsLister.list(d.getMetadata().getNamespace(), LabelSelector.everything());
    ControllerRefManager<ReplicaSet> refs =
        new ControllerRefManager<>(
            replicaSets,
            d,
            selector,
            "apps/v1",
            "Deployment",
            ControllerRefManager.recheckDeletionTimestamp(deployments, d));
    List<ReplicaSet> claimed = refs.claim(all);
    List<ReplicaSet> copies = new ArrayList<>(claimed.size());
    for (ReplicaSet rs : claimed) {
      copies.add(KubeObjects.deepCopy(rs));
    }
    return copies;
  }

  /** The pods of each owned ReplicaSet by its uid, which Recreate checks before scaling up. */
  private Map<String, List<Pod>> podsByReplicaSet(Deployment d, List<ReplicaSet> owned) {
    Map<String, List<Pod>> byUid = new HashMap<>();
    if (!"Recreate".equals(d.getSpec().getStrategy().getType())) {
      return byUid;
    }
    for (ReplicaSet rs : owned) {
      byUid.put(rs.getMetadata().getUid(), new ArrayList<>());
    }
    for (Pod pod : podLister.list(d.getMetadata().getNamespace(), selector(d))) {
      ControllerRefs.controllerOf(pod)
          .map(ref -> byUid.get(ref.getUid()))
          .ifPresent(list -> list.add(pod));
    }
    return byUid;
  }

  /** The writes of the sync of {@code key}; those to ReplicaSets are remembered until seen. */
  private DeploymentSync.Cluster cluster(String key) {
    return new DeploymentSync.Cluster() {
      @Override
      public ReplicaSet createReplicaSet(ReplicaSet rs) {
        ReplicaSet created = replicaSets.create(rs);
        unseenWrites.wrote(key, created);
        return created;
      }

      @Override
      public ReplicaSet updateReplicaSet(ReplicaSet rs) {
        ReplicaSet updated = replicaSets.update(rs);
        unseenWrites.wrote(key, updated);
        return updated;
      }

      @Override
      public void deleteReplicaSet(ReplicaSet rs) {
        replicaSets.delete(rs.getMetadata().getNamespace(), rs.getMetadata().getName(), null);
      }

      @Override
      public Optional<ReplicaSet> replicaSet(String namespace, String name) {
        return rsLister.get(namespace, name).map(KubeObjects::deepCopy);
      }

      @Override
      public Deployment updateStatus(Deployment d) {
        return deployments.updateStatus(d);
      }

      @Override
      public void event(Deployment d, String type, String reason, String message) {
        recorder.event(d, type, reason, message);
      }
    };
  }
}
