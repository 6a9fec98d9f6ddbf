package io.skiff.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.informer.Indexer;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.runtime.ClientPodControl;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefManager;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.PodControl;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.SlowStart;
import io.skiff.controllers.runtime.UidTrackingExpectations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Keeps {@code spec.replicas} pods running for every ReplicaSet (or, through a {@link
 * ReplicaSetKind} conversion, ReplicationController): upstream's ReplicaSetController.
 *
 * <p>A sync of {@code namespace/name}:
 *
 * <ol>
 *   <li>reads the object and all pods of its namespace from the caches, keeps the active ones (not
 *       terminal, not being deleted) and claims them: adopts matching orphans, releases owned pods
 *       that no longer match ({@link ControllerRefManager});
 *   <li>unless its expectations are pending or it is being deleted, creates the missing pods (at
 *       most {@link #BURST_REPLICAS}, in slow-start batches) or deletes the surplus (the first by
 *       upstream's ranking), recording expectations so that a cache that has not caught up causes
 *       no second round;
 *   <li>writes the status (replicas, fullyLabeled, ready, available, observedGeneration, the {@code
 *       ReplicaFailure} condition) unless it is unchanged, and resyncs after {@code
 *       minReadySeconds} while ready pods are not yet available.
 * </ol>
 *
 * @param <T> the kind driven: {@code ReplicaSet} or {@code ReplicationController}
 */
public class ReplicaSetController<T extends HasMetadata> extends QueueController {

  private static final System.Logger log = System.getLogger(ReplicaSetController.class.getName());

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "replicaset";

  /** At most this many pods are created or deleted in one sync. */
  public static final int BURST_REPLICAS = 500;

  /** Status writes are retried this many times, after a fresh GET. */
  static final int STATUS_UPDATE_RETRIES = 1;

  /** The index of the driven objects by the UID of their own controller (e.g. a Deployment). */
  public static final String CONTROLLER_UID_INDEX = "controllerUID";

  /**
   * Upstream's pod index ({@code AddPodControllerUIDIndexer}): pods by their controller's UID, and
   * every pod without a controller under {@link #ORPHAN_POD_INDEX_KEY}. A sync reads its own pods
   * and the orphans it might adopt, not every pod of the namespace.
   */
  static final String POD_CONTROLLER_UID_INDEX = "podControllerUID";

  static final String ORPHAN_POD_INDEX_KEY = "_ORPHAN_POD";

  private final ReplicaSetKind<T> kind;
  private final Resources<T> objects;
  private final Resources<Pod> pods;
  private final PodControl podControl;
  private final UidTrackingExpectations expectations;
  private final int burstReplicas;
  private final Lister<T> lister;
  private final Indexer<T> indexer;
  private final Indexer<Pod> podIndexer;

  /** The ReplicaSet controller over {@code ctx}; what {@code ControllerManager.register} takes. */
  public static ReplicaSetController<ReplicaSet> create(ControllerContext ctx) {
    return new ReplicaSetController<>(ctx, ReplicaSetKind.REPLICA_SET, NAME, BURST_REPLICAS);
  }

  /**
   * A controller of {@code kind}, registering its handlers on the context's informers of that kind
   * and of pods.
   */
  public ReplicaSetController(
      ControllerContext ctx, ReplicaSetKind<T> kind, String name, int burstReplicas) {
    super(name, ctx.clock());
    this.kind = kind;
    this.objects = ctx.client().resources(kind.type());
    this.pods = ctx.client().resources(Pod.class);
    this.podControl = new ClientPodControl(ctx.client(), ctx.recorder(kind.eventSource()));
    this.expectations = new UidTrackingExpectations(ctx.clock());
    this.burstReplicas = burstReplicas;

    SharedInformer<T> informer = ctx.informers().informerFor(kind.type());
    addControllerUidIndex(informer);
    this.lister = informer.lister();
    this.indexer = informer.indexer();
    informer.addEventHandler(
        ResourceEventHandler.<T>of(this::enqueue, this::updateController, this::deleteController));

    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    addPodControllerUidIndex(podInformer);
    this.podIndexer = podInformer.indexer();
    podInformer.addEventHandler(
        ResourceEventHandler.<Pod>of(this::addPod, this::updatePod, this::deletePod));
  }

  private static <T extends HasMetadata> void addControllerUidIndex(SharedInformer<T> informer) {
    try {
      informer.addIndex(
          CONTROLLER_UID_INDEX,
          obj ->
              ControllerRefs.controllerOf(obj).map(ref -> List.of(ref.getUid())).orElse(List.of()));
    } catch (IllegalArgumentException alreadyThere) {
      // Another controller of the same process indexed the shared informer the same way.
    }
  }

  private static void addPodControllerUidIndex(SharedInformer<Pod> informer) {
    try {
      informer.addIndex(
          POD_CONTROLLER_UID_INDEX,
          pod ->
              List.of(
                  ControllerRefs.controllerOf(pod)
                      .map(OwnerReference::getUid)
                      .orElse(ORPHAN_POD_INDEX_KEY)));
    } catch (IllegalArgumentException alreadyThere) {
      // The ReplicationController's twin of this controller shares the pod informer.
    }
  }

  /** The pods {@code set} controls and the namespace's orphans: all a sync may claim. */
  private List<Pod> claimablePods(HasMetadata set) {
    String namespace = set.getMetadata().getNamespace();
    List<Pod> out =
        new ArrayList<>(podIndexer.byIndex(POD_CONTROLLER_UID_INDEX, set.getMetadata().getUid()));
    for (Pod orphan : podIndexer.byIndex(POD_CONTROLLER_UID_INDEX, ORPHAN_POD_INDEX_KEY)) {
      if (Objects.equals(namespace, orphan.getMetadata().getNamespace())) {
        out.add(orphan);
      }
    }
    return out;
  }

  /** The expectations of this controller; tests look at them. */
  UidTrackingExpectations expectations() {
    return expectations;
  }

  // ---- handlers: they only queue keys and note what the cache has seen ----

  void updateController(T oldObject, T newObject) {
    if (!Objects.equals(oldObject.getMetadata().getUid(), newObject.getMetadata().getUid())) {
      // Deleted and recreated under the same name between two events.
      deleteController(oldObject);
      enqueue(newObject);
      return;
    }
    if (Objects.equals(
        oldObject.getMetadata().getGeneration(), newObject.getMetadata().getGeneration())) {
      // Status or metadata only, most often this controller's own status write: paced like a pod
      // event, or a large set's status writes would each queue the next recount at once.
      enqueuePaced(KubeObjects.key(newObject));
      return;
    }
    enqueue(newObject);
  }

  void deleteController(T object) {
    String key = KubeObjects.key(object);
    // A new object of the same name must start with clean expectations.
    expectations.deleteExpectations(key);
    enqueue(key);
  }

  void addPod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      // A pod that shows up already being deleted (e.g. after a restart) is no creation.
      deletePod(pod);
      return;
    }
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    if (ref.isPresent()) {
      resolveControllerRef(pod.getMetadata().getNamespace(), ref.get())
          .ifPresent(
              owner -> {
                String key = KubeObjects.key(owner);
                expectations.creationObserved(key);
                enqueueObserved(key);
              });
      return;
    }
    // An orphan: wake every controller that selects it, to see whether one adopts it.
    getPodControllers(pod).forEach(this::enqueue);
  }

  void updatePod(Pod oldPod, Pod newPod) {
    if (Objects.equals(
        oldPod.getMetadata().getResourceVersion(), newPod.getMetadata().getResourceVersion())) {
      // A periodic resync: nothing changed.
      return;
    }
    boolean labelsChanged = !Objects.equals(labelsOf(oldPod), labelsOf(newPod));
    if (newPod.getMetadata().getDeletionTimestamp() != null) {
      // A graceful deletion starts: replace the pod now rather than when it is finally gone.
      deletePod(newPod);
      if (labelsChanged) {
        deletePod(oldPod);
      }
      return;
    }
    Optional<OwnerReference> curRef = ControllerRefs.controllerOf(newPod);
    Optional<OwnerReference> oldRef = ControllerRefs.controllerOf(oldPod);
    boolean refChanged = !Objects.equals(curRef, oldRef);
    if (refChanged && oldRef.isPresent()) {
      resolveControllerRef(oldPod.getMetadata().getNamespace(), oldRef.get())
          .ifPresent(this::enqueue);
    }
    if (curRef.isPresent()) {
      resolveControllerRef(newPod.getMetadata().getNamespace(), curRef.get())
          .ifPresent(
              owner -> {
                enqueuePaced(KubeObjects.key(owner));
                ReplicaSet rs = kind.toReplicaSet(owner);
                int minReady = ReplicaSetUtil.minReadySeconds(rs);
                if (!PodUtil.isPodReady(oldPod) && PodUtil.isPodReady(newPod) && minReady > 0) {
                  // Availability comes minReadySeconds after readiness, with no event of its own;
                  // the extra second absorbs timer skew.
                  enqueueAfter(owner, Duration.ofSeconds(minReady + 1L));
                }
              });
      return;
    }
    if (labelsChanged || refChanged) {
      getPodControllers(newPod).forEach(this::enqueue);
    }
  }

  void deletePod(Pod pod) {
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    if (ref.isEmpty()) {
      return;
    }
    resolveControllerRef(pod.getMetadata().getNamespace(), ref.get())
        .ifPresent(
            owner -> {
              String key = KubeObjects.key(owner);
              expectations.deletionObserved(key, KubeObjects.key(pod));
              enqueueObserved(key);
            });
  }

  /**
   * After a creation or deletion is observed: at once when it was the last one the set waited for
   * (its next batch depends on that sync), paced while more are on their way.
   */
  private void enqueueObserved(String key) {
    if (expectations.satisfiedExpectations(key)) {
      enqueue(key);
    } else {
      enqueuePaced(key);
    }
  }

  private static Map<String, String> labelsOf(Pod pod) {
    Map<String, String> l = pod.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /** The cached controller a reference names, if it is of our kind and the UID matches. */
  private Optional<T> resolveControllerRef(String namespace, OwnerReference ref) {
    if (!kind.kind().equals(ref.getKind())) {
      return Optional.empty();
    }
    return lister
        .get(namespace, ref.getName())
        .filter(o -> Objects.equals(o.getMetadata().getUid(), ref.getUid()));
  }

  /** The cached controllers of the pod's namespace whose (non-empty) selector matches it. */
  List<T> getPodControllers(Pod pod) {
    if (pod.getMetadata().getLabels() == null || pod.getMetadata().getLabels().isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (T obj : lister.list(pod.getMetadata().getNamespace(), LabelSelector.everything())) {
      LabelSelector selector = selectorOf(kind.toReplicaSet(obj));
      // A nil or empty selector must match nothing, not everything.
      if (selector != null
          && !selector.isEverything()
          && selector.matches(pod.getMetadata().getLabels())) {
        out.add(obj);
      }
    }
    if (out.size() > 1) {
      log.log(
          System.Logger.Level.WARNING,
          "user error: more than one {0} selects pods with labels {1}",
          kind.kind(),
          pod.getMetadata().getLabels());
    }
    return out;
  }

  private static LabelSelector selectorOf(ReplicaSet rs) {
    try {
      return LabelSelector.of(rs.getSpec().getSelector());
    } catch (SelectorException e) {
      return null;
    }
  }

  // ---- sync ----

  @Override
  protected Result sync(String key) throws Exception {
    ObjectKey k = ObjectKey.parse(key);
    Optional<T> cached = lister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      expectations.deleteExpectations(key);
      return Result.done();
    }
    T original = cached.get();
    ReplicaSet rs = kind.toReplicaSet(original);
    boolean needsSync = expectations.satisfiedExpectations(key);
    LabelSelector selector;
    try {
      selector = LabelSelector.of(rs.getSpec().getSelector());
    } catch (SelectorException e) {
      // Validation rejects such selectors; one that slipped through selects nothing, for ever.
      log.log(
          System.Logger.Level.WARNING,
          "{0} {1} has an invalid selector: {2}",
          kind.kind(),
          key,
          e.getMessage());
      return Result.done();
    }

    long readStart = clock().nanoTime();
    List<Pod> active = PodUtil.filterActivePods(claimablePods(original));
    ControllerRefManager<Pod> refs =
        new ControllerRefManager<>(
            pods,
            original,
            selector,
            kind.apiVersion(),
            kind.kind(),
            ControllerRefManager.recheckDeletionTimestamp(objects, original));
    List<Pod> owned = refs.claim(active);
    long readNanos = clock().nanoTime() - readStart;

    Exception manageError = null;
    if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
      try {
        manageReplicas(owned, rs, original, key);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        manageError = e;
      }
    }
    long countStart = clock().nanoTime();
    ReplicaSetStatus status = ReplicaSetUtil.calculateStatus(rs, owned, manageError, clock().now());
    recordSyncCost(key, Duration.ofNanos(readNanos + clock().nanoTime() - countStart));
    ReplicaSet updated = updateStatus(original, rs, status);
    if (manageError != null) {
      throw manageError;
    }
    int minReady = ReplicaSetUtil.minReadySeconds(updated);
    int replicas = ReplicaSetUtil.replicas(updated);
    if (minReady > 0
        && ReplicaSetUtil.value(updated.getStatus().getReadyReplicas()) == replicas
        && ReplicaSetUtil.value(updated.getStatus().getAvailableReplicas()) != replicas) {
      // A last line of defence against clock skew: look at availability again.
      return Result.requeueAfter(Duration.ofSeconds(minReady));
    }
    return Result.done();
  }

  /** Creates or deletes pods towards {@code spec.replicas}; see the class comment. */
  private void manageReplicas(List<Pod> filteredPods, ReplicaSet rs, T original, String key)
      throws Exception {
    int diff = filteredPods.size() - ReplicaSetUtil.replicas(rs);
    String namespace = rs.getMetadata().getNamespace();
    if (diff < 0) {
      int toCreate = Math.min(-diff, burstReplicas);
      expectations.expectCreations(key, toCreate);
      OwnerReference ref = ControllerRefs.newControllerRef(rs, kind.apiVersion(), kind.kind());
      SlowStart.Outcome outcome =
          SlowStart.batch(
              toCreate,
              SlowStart.INITIAL_BATCH_SIZE,
              () -> {
                try {
                  podControl.createPods(namespace, rs.getSpec().getTemplate(), original, ref);
                } catch (StatusError e) {
                  // Every create fails while the namespace is deleted; nothing to retry.
                  if (!ClientPodControl.hasCause(e, ClientPodControl.NAMESPACE_TERMINATING_CAUSE)) {
                    throw e;
                  }
                }
              });
      // Creates never attempted (or failed) will never be observed.
      for (int i = outcome.successes(); i < toCreate; i++) {
        expectations.creationObserved(key);
      }
      if (outcome.error() != null) {
        throw outcome.error();
      }
    } else if (diff > 0) {
      int toDelete = Math.min(diff, burstReplicas);
      List<Pod> victims =
          ReplicaSetUtil.podsToDelete(
              filteredPods, getIndirectlyRelatedPods(rs), toDelete, clock().now());
      List<String> victimKeys = victims.stream().map(KubeObjects::key).toList();
      // Expect each by key, so that a pod seen first terminating and then gone counts once.
      expectations.expectDeletions(key, victimKeys);
      List<Exception> errors = new ArrayList<>();
      try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Exception>> deletes = new ArrayList<>();
        for (Pod victim : victims) {
          deletes.add(
              parallel.submit(
                  () -> {
                    try {
                      podControl.deletePod(namespace, victim.getMetadata().getName(), original);
                      return null;
                    } catch (RuntimeException e) {
                      expectations.deletionObserved(key, KubeObjects.key(victim));
                      return e instanceof StatusError se && se.code() == 404 ? null : e;
                    }
                  }));
        }
        for (Future<Exception> f : deletes) {
          Exception e = f.get();
          if (e != null) {
            errors.add(e);
          }
        }
      }
      if (!errors.isEmpty()) {
        // They are likely all the same; upstream reports the first.
        throw errors.getFirst();
      }
    }
  }

  /**
   * The pods of every object controlled by the same owner as {@code rs} (the ReplicaSets of one
   * Deployment), for ranking pods that share a node; just {@code rs}'s own when it has no owner.
   */
  List<Pod> getIndirectlyRelatedPods(ReplicaSet rs) {
    // Upstream lists the namespace's pods once per related set and drops the ones it has seen;
    // one pass over them, each pod kept at its first matching selector, gives the same pods
    // without the per-set lists and the set of seen UIDs (a Deployment keeps up to eleven sets).
    List<LabelSelector> selectors = new ArrayList<>();
    for (ReplicaSet relatedRs : getReplicaSetsWithSameController(rs)) {
      LabelSelector selector = selectorOf(relatedRs);
      if (selector != null) {
        selectors.add(selector);
      }
    }
    List<Pod> related = new ArrayList<>();
    if (selectors.isEmpty()) {
      return related;
    }
    for (Pod pod : podIndexer.byIndex(Indexer.NAMESPACE, rs.getMetadata().getNamespace())) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      for (LabelSelector selector : selectors) {
        if (selector.matches(labels)) {
          related.add(pod);
          break;
        }
      }
    }
    return related;
  }

  /** The cached objects whose controller is {@code rs}'s controller; none when it has none. */
  List<ReplicaSet> getReplicaSetsWithSameController(ReplicaSet rs) {
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(rs);
    if (ref.isEmpty()) {
      return List.of();
    }
    return indexer.byIndex(CONTROLLER_UID_INDEX, ref.get().getUid()).stream()
        .map(kind::toReplicaSet)
        .toList();
  }

  /**
   * Writes {@code status} unless nothing changed; on a failure reads the object again and retries
   * once.
   *
   * @return the object as a ReplicaSet after the write (the cached one when skipped)
   */
  private ReplicaSet updateStatus(T original, ReplicaSet rs, ReplicaSetStatus status) {
    if (ReplicaSetUtil.statusUnchanged(rs, status)) {
      return rs;
    }
    // The generation this status was computed for; not the one a retry might read.
    status.setObservedGeneration(rs.getMetadata().getGeneration());
    T current = original;
    for (int attempt = 0; ; attempt++) {
      try {
        return kind.toReplicaSet(objects.updateStatus(kind.withStatus(current, status)));
      } catch (RuntimeException e) {
        if (attempt >= STATUS_UPDATE_RETRIES) {
          throw e;
        }
        ObjectKey k = new ObjectKey(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
        current =
            objects
                .get(k.namespace(), k.name())
                .orElseThrow(() -> StatusError.notFound(objects.type(), k.name()));
      }
    }
  }
}
