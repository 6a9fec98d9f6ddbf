package io.skiff.controllers.statefulset;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.history.ControllerHistory;
import io.skiff.controllers.history.Revisions;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefManager;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.QueueController;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gives every StatefulSet its pods {@code <name>-0 … <name>-(N-1)}, each with a stable identity and
 * storage: upstream's StatefulSetController with {@code defaultStatefulSetControl}.
 *
 * <p>A sync of {@code namespace/name}:
 *
 * <ol>
 *   <li>adopts orphan ControllerRevisions the set selects, claims the pods whose names are {@code
 *       <set>-<ordinal>};
 *   <li>finds the current and update revisions: the update revision is the one whose data equals
 *       the set's template (created, or an older one renumbered to be the latest, which is how
 *       {@code rollout undo} reuses history), the current one is {@code status.currentRevision};
 *   <li>with {@code OrderedReady}, creates the missing pods in ascending ordinal order, one per
 *       sync and only when every lower ordinal is Running, Ready and available, and deletes the
 *       pods beyond {@code replicas} from the highest ordinal down, one at a time; with {@code
 *       Parallel}, all at once in slow-start batches. Failed and succeeded pods are recreated under
 *       the same name;
 *   <li>with {@code RollingUpdate}, deletes the highest-ordinal pod at or above the partition that
 *       is not at the update revision, once all pods above it are healthy (it is recreated at the
 *       update revision on a later sync); {@code OnDelete} only recreates what users delete;
 *   <li>writes the status (replicas, ready, available, current, updated, revisions, collision
 *       count, observed generation; a finished rolling update makes the update revision current)
 *       and deletes the revisions beyond {@code revisionHistoryLimit} that no pod uses.
 * </ol>
 */
public final class StatefulSetController extends QueueController {

  private static final System.Logger log = System.getLogger(StatefulSetController.class.getName());

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "statefulset";

  /** The event source of its events. */
  public static final String EVENT_SOURCE = "statefulset-controller";

  /** The largest batch of pods {@code Parallel} management creates or deletes at once. */
  static final int MAX_BATCH_SIZE = 500;

  private static final int STATUS_UPDATE_RETRIES = 10;

  private final Resources<StatefulSet> sets;
  private final Resources<Pod> pods;
  private final Resources<ControllerRevision> revisionClient;
  private final Lister<StatefulSet> setLister;
  private final Lister<Pod> podLister;
  private final ControllerHistory history;
  private final StatefulPodControl podControl;
  private final io.skiff.client.events.EventRecorder recorder;

  public StatefulSetController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.sets = ctx.client().resources(StatefulSet.class);
    this.pods = ctx.client().resources(Pod.class);
    this.revisionClient = ctx.client().resources(ControllerRevision.class);
    this.recorder = ctx.recorder(EVENT_SOURCE);

    SharedInformer<StatefulSet> setInformer = ctx.informers().informerFor(StatefulSet.class);
    this.setLister = setInformer.lister();
    setInformer.addEventHandler(enqueueingHandler());

    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    this.podLister = podInformer.lister();
    podInformer.addEventHandler(
        ResourceEventHandler.<Pod>of(this::addPod, this::updatePod, this::deletePod));

    Lister<ControllerRevision> revisionLister =
        ctx.informers().informerFor(ControllerRevision.class).lister();
    this.history = new ControllerHistory(revisionClient, revisionLister);
    Lister<PersistentVolumeClaim> claimLister =
        ctx.informers().informerFor(PersistentVolumeClaim.class).lister();
    this.podControl =
        new StatefulPodControl(
            pods, ctx.client().resources(PersistentVolumeClaim.class), claimLister, recorder);
  }

  // ---- handlers ----

  void addPod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deletePod(pod);
      return;
    }
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    if (ref.isPresent()) {
      resolveControllerRef(pod.getMetadata().getNamespace(), ref.get()).ifPresent(this::enqueue);
      return;
    }
    podStatefulSets(pod).forEach(this::enqueue);
  }

  void updatePod(Pod oldPod, Pod newPod) {
    if (Objects.equals(
        oldPod.getMetadata().getResourceVersion(), newPod.getMetadata().getResourceVersion())) {
      return;
    }
    boolean labelsChanged =
        !Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels());
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
              set -> {
                enqueue(set);
                int minReady = StatefulSetUtil.minReadySeconds(set);
                if (!PodUtil.isPodReady(oldPod) && PodUtil.isPodReady(newPod) && minReady > 0) {
                  // Availability comes minReadySeconds after readiness, with no event of its own.
                  enqueueAfter(set, Duration.ofSeconds(minReady));
                }
              });
      return;
    }
    if (labelsChanged || refChanged) {
      podStatefulSets(newPod).forEach(this::enqueue);
    }
  }

  void deletePod(Pod pod) {
    ControllerRefs.controllerOf(pod)
        .flatMap(ref -> resolveControllerRef(pod.getMetadata().getNamespace(), ref))
        .ifPresent(this::enqueue);
  }

  private Optional<StatefulSet> resolveControllerRef(String namespace, OwnerReference ref) {
    if (!StatefulSetUtil.KIND.equals(ref.getKind())) {
      return Optional.empty();
    }
    return setLister
        .get(namespace, ref.getName())
        .filter(s -> Objects.equals(s.getMetadata().getUid(), ref.getUid()));
  }

  /** The sets of the pod's namespace whose (non-empty) selector matches an orphan pod. */
  private List<StatefulSet> podStatefulSets(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<StatefulSet> out = new ArrayList<>();
    for (StatefulSet set :
        setLister.list(pod.getMetadata().getNamespace(), LabelSelector.everything())) {
      LabelSelector selector = selectorOf(set);
      if (selector != null && !selector.isEverything() && selector.matches(labels)) {
        out.add(set);
      }
    }
    return out;
  }

  private static LabelSelector selectorOf(StatefulSet set) {
    try {
      return LabelSelector.of(set.getSpec().getSelector());
    } catch (SelectorException e) {
      return null;
    }
  }

  // ---- sync ----

  @Override
  protected Result sync(String key) throws Exception {
    ObjectKey k = ObjectKey.parse(key);
    Optional<StatefulSet> cached = setLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      return Result.done();
    }
    StatefulSet set = KubeObjects.deepCopy(cached.get());
    LabelSelector selector = selectorOf(set);
    if (selector == null) {
      log.log(System.Logger.Level.WARNING, "StatefulSet {0} has an invalid selector", key);
      return Result.done();
    }
    adoptOrphanRevisions(set, selector);
    List<Pod> owned = claimPods(set, selector);
    StatefulSetStatus status = updateStatefulSet(set, selector, owned);
    int replicas = StatefulSetUtil.replicas(set);
    int minReady = StatefulSetUtil.minReadySeconds(set);
    if (status != null
        && minReady > 0
        && StatefulSetUtil.value(status.getAvailableReplicas()) != replicas) {
      return Result.requeueAfter(Duration.ofSeconds(minReady));
    }
    return Result.done();
  }

  private void adoptOrphanRevisions(StatefulSet set, LabelSelector selector) throws Exception {
    List<ControllerRevision> orphans =
        history.list(set, selector).stream()
            .filter(r -> ControllerRefs.controllerOf(r).isEmpty())
            .toList();
    if (orphans.isEmpty()) {
      return;
    }
    try {
      ControllerRefManager.recheckDeletionTimestamp(sets, set).check();
    } catch (Exception e) {
      throw new IllegalStateException("can't adopt ControllerRevisions: " + e.getMessage(), e);
    }
    for (ControllerRevision r : orphans) {
      revisionClient.patch(
          r.getMetadata().getNamespace(),
          r.getMetadata().getName(),
          PatchType.STRATEGIC_MERGE_PATCH,
          ControllerRefManager.adoptPatch(
              StatefulSetUtil.API_VERSION, StatefulSetUtil.KIND, set, r.getMetadata().getUid()));
    }
  }

  private List<Pod> claimPods(StatefulSet set, LabelSelector selector) {
    List<Pod> all = podLister.list(set.getMetadata().getNamespace(), LabelSelector.everything());
    ControllerRefManager<Pod> refs =
        new ControllerRefManager<>(
            pods,
            set,
            selector,
            StatefulSetUtil.API_VERSION,
            StatefulSetUtil.KIND,
            ControllerRefManager.recheckDeletionTimestamp(sets, set));
    return refs.claim(all, p -> StatefulSetUtil.isMemberOf(set, p));
  }

  /** Upstream's UpdateStatefulSet: revisions, pods, status, then the history limit. */
  private StatefulSetStatus updateStatefulSet(
      StatefulSet set, LabelSelector selector, List<Pod> pods) throws Exception {
    List<ControllerRevision> revisions = Revisions.sort(history.list(set, selector));
    ControllerRevision current = null;
    ControllerRevision update = null;
    Exception failure = null;
    StatefulSetStatus status = null;
    try {
      var found = statefulSetRevisions(set, revisions);
      current = found.current();
      update = found.update();
      try {
        status = updatePods(set, current, update, found.collisionCount(), pods);
      } catch (PartialFailure e) {
        status = e.status;
        failure = e.cause;
      }
      updateStatefulSetStatus(set, status);
    } catch (Exception e) {
      failure = e;
    }
    try {
      truncateHistory(set, pods, revisions, current, update);
    } catch (Exception e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return status;
  }

  record FoundRevisions(
      ControllerRevision current, ControllerRevision update, int collisionCount) {}

  /** Upstream's getStatefulSetRevisions over the sorted {@code revisions}. */
  FoundRevisions statefulSetRevisions(StatefulSet set, List<ControllerRevision> revisions) {
    int collisionCount =
        set.getStatus() == null || set.getStatus().getCollisionCount() == null
            ? 0
            : set.getStatus().getCollisionCount();
    ControllerRevision update =
        StatefulSetUtil.newRevision(set, Revisions.nextRevision(revisions), collisionCount);
    List<ControllerRevision> equal = Revisions.findEqualRevisions(revisions, update);
    if (!equal.isEmpty() && Revisions.equalRevision(revisions.getLast(), equal.getLast())) {
      // The template is that of the latest revision: nothing changed.
      update = revisions.getLast();
    } else if (!equal.isEmpty()) {
      // An older revision comes back (a rollback): it becomes the latest.
      update = history.updateRevision(equal.getLast(), Revisions.revisionOf(update));
    } else {
      ControllerHistory.Created created = history.create(set, update, collisionCount);
      update = created.revision();
      collisionCount = created.collisionCount();
    }
    String currentName = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
    ControllerRevision current =
        revisions.stream()
            .filter(r -> r.getMetadata().getName().equals(currentName))
            .findFirst()
            .orElse(update);
    return new FoundRevisions(current, update, collisionCount);
  }

  /** A failure while managing pods, with the status computed up to it (which is still written). */
  private static final class PartialFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient StatefulSetStatus status;
    private final Exception cause;

    PartialFailure(StatefulSetStatus status, Exception cause) {
      super(cause);
      this.status = status;
      this.cause = cause;
    }
  }

  /** What one step of the pod loop tells the loop. */
  @FunctionalInterface
  private interface Step {
    /** Returns true to stop here (monotonic mode only). */
    boolean run(int i) throws Exception;
  }

  /** Upstream's updateStatefulSet: creates, deletes and updates pods; returns the status. */
  private StatefulSetStatus updatePods(
      StatefulSet set,
      ControllerRevision currentRevision,
      ControllerRevision updateRevision,
      int collisionCount,
      List<Pod> pods)
      throws PartialFailure {
    Instant now = clock().now();
    StatefulSet currentSet = StatefulSetUtil.applyRevision(set, currentRevision);
    StatefulSet updateSet = StatefulSetUtil.applyRevision(set, updateRevision);
    String currentName = currentRevision.getMetadata().getName();
    String updateName = updateRevision.getMetadata().getName();
    int minReady = StatefulSetUtil.minReadySeconds(set);

    StatefulSetStatus status = new StatefulSetStatus();
    status.setObservedGeneration(set.getMetadata().getGeneration());
    status.setCurrentRevision(currentName);
    status.setUpdateRevision(updateName);
    status.setCollisionCount(collisionCount);
    StatefulSetUtil.updateStatus(status, minReady, currentName, updateName, now, pods);

    int start = StatefulSetUtil.startOrdinal(set);
    int replicaCount = StatefulSetUtil.replicas(set);
    Pod[] replicas = new Pod[replicaCount];
    List<Pod> condemned = new ArrayList<>();
    for (Pod pod : pods) {
      int ord = StatefulSetUtil.ordinal(pod);
      if (StatefulSetUtil.podInOrdinalRange(pod, set)) {
        replicas[ord - start] = pod;
      } else if (ord >= 0) {
        condemned.add(pod);
      }
    }
    for (int i = 0; i < replicaCount; i++) {
      if (replicas[i] == null) {
        replicas[i] =
            StatefulSetUtil.newVersionedStatefulSetPod(
                currentSet, updateSet, currentName, updateName, start + i);
      }
    }
    condemned.sort(Comparator.comparingInt(StatefulSetUtil::ordinal).reversed());

    Pod firstUnhealthy = null;
    for (Pod p : replicas) {
      if (!StatefulSetUtil.isHealthy(p)) {
        firstUnhealthy = p;
        break;
      }
    }
    if (firstUnhealthy == null) {
      for (int i = condemned.size() - 1; i >= 0; i--) {
        if (!StatefulSetUtil.isHealthy(condemned.get(i))) {
          firstUnhealthy = condemned.get(i);
          break;
        }
      }
    }

    if (set.getMetadata().getDeletionTimestamp() != null) {
      return status;
    }
    boolean monotonic = !StatefulSetUtil.allowsBurst(set);
    List<Pod> replicaList = java.util.Arrays.asList(replicas);

    try {
      if (runForAll(
          replicaCount,
          i ->
              processReplica(
                  set, currentSet, updateSet, currentName, updateName, monotonic, replicas, i),
          monotonic)) {
        StatefulSetUtil.updateStatus(
            status, minReady, currentName, updateName, now, replicaList, condemned);
        return status;
      }
      if (runForAll(
          condemned.size(),
          i -> {
            Pod pod = condemned.get(i);
            if (!podControl.claimsMatchRetentionPolicy(updateSet, pod)) {
              podControl.updatePodClaimForRetentionPolicy(updateSet, pod);
            }
            return false;
          },
          monotonic)) {
        StatefulSetUtil.updateStatus(
            status, minReady, currentName, updateName, now, replicaList, condemned);
        return status;
      }
      Pod unhealthy = firstUnhealthy;
      if (runForAll(
          condemned.size(),
          i -> processCondemned(set, unhealthy, monotonic, condemned, i, now),
          monotonic)) {
        StatefulSetUtil.updateStatus(
            status, minReady, currentName, updateName, now, replicaList, condemned);
        return status;
      }
      StatefulSetUtil.updateStatus(
          status, minReady, currentName, updateName, now, replicaList, condemned);

      if ("OnDelete".equals(StatefulSetUtil.updateStrategyType(set))) {
        return status;
      }
      Integer partition = StatefulSetUtil.partition(set);
      int updateMin = partition == null ? 0 : partition;
      for (int target = replicaCount - 1; target >= updateMin; target--) {
        Pod pod = replicas[target];
        if (!StatefulSetUtil.podRevision(pod).equals(updateName)
            && !StatefulSetUtil.isTerminating(pod)) {
          log.log(
              System.Logger.Level.DEBUG,
              "Pod {0} of StatefulSet {1} is terminating for update",
              pod.getMetadata().getName(),
              KubeObjects.key(set));
          podControl.deleteStatefulPod(set, pod);
          status.setCurrentReplicas(status.getCurrentReplicas() - 1);
          return status;
        }
        if (!StatefulSetUtil.isHealthy(pod)) {
          return status;
        }
      }
      return status;
    } catch (Exception e) {
      StatefulSetUtil.updateStatus(
          status, minReady, currentName, updateName, now, replicaList, condemned);
      throw new PartialFailure(status, e);
    }
  }

  /** Upstream's processReplica for {@code replicas[i]}. */
  private boolean processReplica(
      StatefulSet set,
      StatefulSet currentSet,
      StatefulSet updateSet,
      String currentName,
      String updateName,
      boolean monotonic,
      Pod[] replicas,
      int i) {
    int ordinal = i + StatefulSetUtil.startOrdinal(set);
    if (StatefulSetUtil.isFailed(replicas[i]) || StatefulSetUtil.isSucceeded(replicas[i])) {
      String name = replicas[i].getMetadata().getName();
      String where = set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
      if (StatefulSetUtil.isFailed(replicas[i])) {
        recorder.event(
            set,
            "Warning",
            "RecreatingFailedPod",
            "StatefulSet " + where + " is recreating failed Pod " + name);
      } else {
        recorder.event(
            set,
            "Normal",
            "RecreatingTerminatedPod",
            "StatefulSet " + where + " is recreating terminated Pod " + name);
      }
      podControl.deleteStatefulPod(set, replicas[i]);
      replicas[i] =
          StatefulSetUtil.newVersionedStatefulSetPod(
              currentSet, updateSet, currentName, updateName, ordinal);
    }
    if (!StatefulSetUtil.isCreated(replicas[i])) {
      if (podControl.podClaimIsStale(set, replicas[i])) {
        // The claim of an earlier pod waits for garbage collection; nothing more this round.
        return true;
      }
      podControl.createStatefulPod(set, replicas[i]);
      return monotonic;
    }
    if (StatefulSetUtil.isPending(replicas[i])) {
      podControl.createPersistentVolumeClaims(set, replicas[i]);
    }
    Instant now = clock().now();
    if (monotonic
        && (StatefulSetUtil.isTerminating(replicas[i])
            || !StatefulSetUtil.isRunningAndReady(replicas[i])
            || !StatefulSetUtil.isRunningAndAvailable(
                replicas[i], StatefulSetUtil.minReadySeconds(set), now))) {
      return true;
    }
    boolean retentionMatch = podControl.claimsMatchRetentionPolicy(updateSet, replicas[i]);
    if (StatefulSetUtil.identityMatches(set, replicas[i])
        && StatefulSetUtil.storageMatches(set, replicas[i])
        && retentionMatch) {
      return false;
    }
    podControl.updateStatefulPod(updateSet, replicas[i]);
    return false;
  }

  /** Upstream's processCondemned for {@code condemned[i]} (highest ordinal first). */
  private boolean processCondemned(
      StatefulSet set,
      Pod firstUnhealthy,
      boolean monotonic,
      List<Pod> condemned,
      int i,
      Instant now) {
    Pod pod = condemned.get(i);
    if (StatefulSetUtil.isTerminating(pod)) {
      return monotonic;
    }
    boolean notFirstUnhealthy = pod != firstUnhealthy;
    if (monotonic
        && notFirstUnhealthy
        && (!StatefulSetUtil.isRunningAndReady(pod)
            || !StatefulSetUtil.isRunningAndAvailable(
                pod, StatefulSetUtil.minReadySeconds(set), now))) {
      return true;
    }
    podControl.deleteStatefulPod(set, pod);
    return monotonic;
  }

  /**
   * Runs {@code step} over indexes {@code 0..count)}: in order, stopping at the first step that
   * asks to stop, when monotonic; else in slow-start batches (1, 2, 4, … at most {@value
   * #MAX_BATCH_SIZE}), stopping after a batch with a failure.
   *
   * @return whether the caller should stop here
   */
  private static boolean runForAll(int count, Step step, boolean monotonic) throws Exception {
    if (monotonic) {
      for (int i = 0; i < count; i++) {
        if (step.run(i)) {
          return true;
        }
      }
      return false;
    }
    int next = 0;
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int batch = Math.min(count, 1);
          batch > 0;
          batch = Math.min(Math.min(2 * batch, count - next), MAX_BATCH_SIZE)) {
        List<Future<?>> calls = new ArrayList<>(batch);
        for (int j = 0; j < batch; j++) {
          int index = next++;
          calls.add(
              parallel.submit(
                  () -> {
                    step.run(index);
                    return null;
                  }));
        }
        Exception first = null;
        for (Future<?> f : calls) {
          try {
            f.get();
          } catch (ExecutionException e) {
            if (first == null) {
              first = e.getCause() instanceof Exception c ? c : new RuntimeException(e.getCause());
            }
          }
        }
        if (first != null) {
          throw first;
        }
      }
    }
    return false;
  }

  /** Writes the status if it differs, after completing a finished rolling update. */
  private void updateStatefulSetStatus(StatefulSet set, StatefulSetStatus status) {
    StatefulSetUtil.completeRollingUpdate(set, status);
    if (!StatefulSetUtil.inconsistentStatus(set, status)) {
      return;
    }
    StatefulSet toWrite = KubeObjects.deepCopy(set);
    for (int attempt = 0; ; attempt++) {
      toWrite.setStatus(status);
      try {
        sets.updateStatus(toWrite);
        return;
      } catch (StatusError e) {
        if (e.code() != 409 || attempt >= STATUS_UPDATE_RETRIES) {
          throw e;
        }
        Optional<StatefulSet> fresh =
            sets.get(set.getMetadata().getNamespace(), set.getMetadata().getName());
        if (fresh.isEmpty()) {
          throw e;
        }
        toWrite = fresh.get();
      }
    }
  }

  /**
   * Deletes the oldest revisions beyond {@code revisionHistoryLimit} that are neither current, nor
   * the update revision, nor the revision of any pod.
   */
  private void truncateHistory(
      StatefulSet set,
      List<Pod> pods,
      List<ControllerRevision> revisions,
      ControllerRevision current,
      ControllerRevision update) {
    Set<String> live = new HashSet<>();
    if (current != null) {
      live.add(current.getMetadata().getName());
    }
    if (update != null) {
      live.add(update.getMetadata().getName());
    }
    for (Pod p : pods) {
      live.add(StatefulSetUtil.podRevision(p));
    }
    List<ControllerRevision> old =
        revisions.stream().filter(r -> !live.contains(r.getMetadata().getName())).toList();
    Integer limit = set.getSpec().getRevisionHistoryLimit();
    int historyLimit = limit == null ? 10 : limit;
    if (old.size() <= historyLimit) {
      return;
    }
    for (ControllerRevision r : old.subList(0, old.size() - historyLimit)) {
      history.delete(r);
    }
  }
}
