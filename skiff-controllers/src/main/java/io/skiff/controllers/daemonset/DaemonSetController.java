package io.skiff.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.deployment.DeploymentUtil;
import io.skiff.controllers.history.Revisions;
import io.skiff.controllers.runtime.ClientPodControl;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerExpectations;
import io.skiff.controllers.runtime.ControllerRefManager;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.PodControl;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.QueueController;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one pod of every DaemonSet on each node it should run on: upstream's DaemonSetsController.
 *
 * <p>A sync of {@code namespace/name}:
 *
 * <ol>
 *   <li>claims the ControllerRevisions the set selects, finds the one whose data is the current
 *       template (creating it, or renumbering it to be the latest, which is how {@code rollout
 *       undo} reuses history; a hash collision bumps {@code status.collisionCount}); its {@code
 *       controller-revision-hash} label is the hash new pods get;
 *   <li>unless creations or deletions it made are not yet in the cache (expectations), for each
 *       node: creates a pod pinned to it (a {@code matchFields metadata.name} node affinity the
 *       scheduler honours) where one should run and none does, deletes failed pods (with a per-node
 *       backoff), succeeded pods and surplus pods, and all pods of nodes where none may stay;
 *       deletes unscheduled pods of nodes that are gone;
 *   <li>with {@code RollingUpdate}, replaces old pods within {@code maxUnavailable} (rounded up) or
 *       {@code maxSurge}; {@code OnDelete} only replaces what users delete;
 *   <li>deletes old revisions beyond {@code revisionHistoryLimit} that no pod uses, and writes the
 *       status counts.
 * </ol>
 */
public final class DaemonSetController extends QueueController {

  private static final System.Logger log = System.getLogger(DaemonSetController.class.getName());

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "daemonset";

  /** The event source of its events. */
  public static final String EVENT_SOURCE = "daemonset-controller";

  /** At most this many pods are created or deleted in one sync. */
  public static final int BURST_REPLICAS = 250;

  static final String FAILED_DAEMON_POD = "FailedDaemonPod";
  static final String SUCCEEDED_DAEMON_POD = "SucceededDaemonPod";
  static final String SELECTING_ALL = "SelectingAll";

  private static final int STATUS_UPDATE_RETRIES = 1;

  private final Resources<DaemonSet> daemonSets;
  private final Resources<Pod> pods;
  private final Resources<ControllerRevision> revisions;
  private final Lister<DaemonSet> dsLister;
  private final Lister<Pod> podLister;
  private final Lister<Node> nodeLister;
  private final Lister<ControllerRevision> revisionLister;
  private final PodControl podControl;
  private final EventRecorder recorder;
  private final ControllerExpectations expectations;
  private final FailedPodsBackoff failedPodsBackoff;

  public DaemonSetController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.daemonSets = ctx.client().resources(DaemonSet.class);
    this.pods = ctx.client().resources(Pod.class);
    this.revisions = ctx.client().resources(ControllerRevision.class);
    this.recorder = ctx.recorder(EVENT_SOURCE);
    this.podControl = new ClientPodControl(ctx.client(), recorder);
    this.expectations = new ControllerExpectations(ctx.clock());
    this.failedPodsBackoff =
        new FailedPodsBackoff(ctx.clock(), Duration.ofSeconds(1), Duration.ofMinutes(15));

    SharedInformer<DaemonSet> dsInformer = ctx.informers().informerFor(DaemonSet.class);
    this.dsLister = dsInformer.lister();
    dsInformer.addEventHandler(
        new ResourceEventHandler<DaemonSet>() {
          @Override
          public void onAdd(DaemonSet ds) {
            enqueue(ds);
          }

          @Override
          public void onUpdate(DaemonSet oldDs, DaemonSet newDs) {
            if (!Objects.equals(oldDs.getMetadata().getUid(), newDs.getMetadata().getUid())) {
              deleteDaemonSet(oldDs);
            }
            enqueue(newDs);
          }

          @Override
          public void onDelete(DaemonSet ds) {
            deleteDaemonSet(ds);
          }
        });

    SharedInformer<ControllerRevision> revisionInformer =
        ctx.informers().informerFor(ControllerRevision.class);
    this.revisionLister = revisionInformer.lister();
    revisionInformer.addEventHandler(
        new ResourceEventHandler<ControllerRevision>() {
          @Override
          public void onAdd(ControllerRevision r) {
            revisionChanged(r);
          }

          @Override
          public void onUpdate(ControllerRevision oldR, ControllerRevision newR) {
            if (!Objects.equals(
                ControllerRefs.controllerOf(oldR), ControllerRefs.controllerOf(newR))) {
              revisionChanged(oldR);
            }
            revisionChanged(newR);
          }

          @Override
          public void onDelete(ControllerRevision r) {
            revisionChanged(r);
          }
        });

    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    this.podLister = podInformer.lister();
    podInformer.addEventHandler(
        ResourceEventHandler.<Pod>of(this::addPod, this::updatePod, this::deletePod));

    SharedInformer<Node> nodeInformer = ctx.informers().informerFor(Node.class);
    this.nodeLister = nodeInformer.lister();
    nodeInformer.addEventHandler(
        new ResourceEventHandler<Node>() {
          @Override
          public void onAdd(Node node) {
            for (DaemonSet ds : allDaemonSets()) {
              if (DaemonSetUtil.nodeShouldRunDaemonPod(node, ds).shouldRun()) {
                enqueue(ds);
              }
            }
          }

          @Override
          public void onUpdate(Node oldNode, Node newNode) {
            updateNode(oldNode, newNode);
          }

          @Override
          public void onDelete(Node node) {
            // Unscheduled pods meant for the node can never run; the syncs delete them.
            for (DaemonSet ds : allDaemonSets()) {
              enqueue(ds);
            }
          }
        });
  }

  // ---- handlers ----

  private List<DaemonSet> allDaemonSets() {
    return dsLister.list(null, LabelSelector.everything());
  }

  private void deleteDaemonSet(DaemonSet ds) {
    String key = KubeObjects.key(ds);
    // A new DaemonSet of the same name must start with clean expectations.
    expectations.deleteExpectations(key);
    enqueue(key);
  }

  private void revisionChanged(ControllerRevision r) {
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(r);
    if (ref.isPresent()) {
      resolveControllerRef(r.getMetadata().getNamespace(), ref.get()).ifPresent(this::enqueue);
      return;
    }
    daemonSetsSelecting(r.getMetadata().getNamespace(), r.getMetadata().getLabels())
        .forEach(this::enqueue);
  }

  void addPod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deletePod(pod);
      return;
    }
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    if (ref.isPresent()) {
      resolveControllerRef(pod.getMetadata().getNamespace(), ref.get())
          .ifPresent(
              ds -> {
                String key = KubeObjects.key(ds);
                expectations.creationObserved(key);
                enqueue(key);
              });
      return;
    }
    daemonSetsSelecting(pod.getMetadata().getNamespace(), pod.getMetadata().getLabels())
        .forEach(this::enqueue);
  }

  void updatePod(Pod oldPod, Pod newPod) {
    if (Objects.equals(
        oldPod.getMetadata().getResourceVersion(), newPod.getMetadata().getResourceVersion())) {
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
              ds -> {
                enqueue(ds);
                int minReady = minReadySeconds(ds);
                if (!PodUtil.isPodReady(oldPod) && PodUtil.isPodReady(newPod) && minReady > 0) {
                  // Availability comes minReadySeconds after readiness, with no event of its own;
                  // the extra second absorbs timer skew.
                  enqueueAfter(ds, Duration.ofSeconds(minReady + 1L));
                }
              });
      return;
    }
    boolean labelsChanged =
        !Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels());
    if (labelsChanged || refChanged) {
      daemonSetsSelecting(newPod.getMetadata().getNamespace(), newPod.getMetadata().getLabels())
          .forEach(this::enqueue);
    }
  }

  void deletePod(Pod pod) {
    ControllerRefs.controllerOf(pod)
        .flatMap(ref -> resolveControllerRef(pod.getMetadata().getNamespace(), ref))
        .ifPresent(
            ds -> {
              String key = KubeObjects.key(ds);
              expectations.deletionObserved(key);
              enqueue(key);
            });
  }

  void updateNode(Node oldNode, Node newNode) {
    // Only labels, taints and the rest of the spec decide placement; heartbeats do not.
    if (Objects.equals(oldNode.getMetadata().getLabels(), newNode.getMetadata().getLabels())
        && Objects.equals(oldNode.getSpec(), newNode.getSpec())) {
      return;
    }
    for (DaemonSet ds : allDaemonSets()) {
      if (!DaemonSetUtil.nodeShouldRunDaemonPod(oldNode, ds)
          .equals(DaemonSetUtil.nodeShouldRunDaemonPod(newNode, ds))) {
        enqueue(ds);
      }
    }
  }

  private Optional<DaemonSet> resolveControllerRef(String namespace, OwnerReference ref) {
    if (!DaemonSetUtil.KIND.equals(ref.getKind())) {
      return Optional.empty();
    }
    return dsLister
        .get(namespace, ref.getName())
        .filter(ds -> Objects.equals(ds.getMetadata().getUid(), ref.getUid()));
  }

  private List<DaemonSet> daemonSetsSelecting(String namespace, Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<DaemonSet> out = new ArrayList<>();
    for (DaemonSet ds : dsLister.list(namespace, LabelSelector.everything())) {
      LabelSelector selector = selectorOf(ds);
      if (selector != null && !selector.isEverything() && selector.matches(labels)) {
        out.add(ds);
      }
    }
    return out;
  }

  private static LabelSelector selectorOf(DaemonSet ds) {
    try {
      return LabelSelector.of(ds.getSpec().getSelector());
    } catch (SelectorException e) {
      return null;
    }
  }

  private static int minReadySeconds(DaemonSet ds) {
    Integer m = ds.getSpec().getMinReadySeconds();
    return m == null ? 0 : m;
  }

  // ---- sync ----

  @Override
  protected Result sync(String key) throws Exception {
    // Upstream collects idle backoff entries once a minute; once a sync is as good.
    failedPodsBackoff.gc();
    ObjectKey k = ObjectKey.parse(key);
    Optional<DaemonSet> cached = dsLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      expectations.deleteExpectations(key);
      return Result.done();
    }
    DaemonSet ds = KubeObjects.deepCopy(cached.get());
    List<Node> nodes = new ArrayList<>(nodeLister.list(null, LabelSelector.everything()));
    nodes.sort(Comparator.comparing(n -> n.getMetadata().getName()));
    LabelSelector selector = selectorOf(ds);
    if (selector == null || selector.isEverything()) {
      recorder.event(
          ds,
          "Warning",
          SELECTING_ALL,
          "This daemon set is selecting all pods. A non-empty selector is required.");
      return Result.done();
    }
    if (ds.getMetadata().getDeletionTimestamp() != null) {
      // What the set owns may be going too; its status cannot be computed reliably.
      return Result.done();
    }
    History history = constructHistory(ds, selector);
    String hash =
        Objects.requireNonNullElse(
            history.current().getMetadata().getLabels().get(DaemonSetUtil.HASH_LABEL), "");
    DaemonSetUtil.Placer placer = DaemonSetUtil.placer(ds);
    if (!expectations.satisfiedExpectations(key)) {
      // Only the status; observedGeneration waits for a sync that acts on this generation.
      return updateStatus(ds, selector, nodes, placer, hash, false);
    }
    Exception failure = null;
    try {
      manage(ds, selector, nodes, placer, hash);
      if (expectations.satisfiedExpectations(key)
          && "RollingUpdate".equals(updateStrategyType(ds))) {
        rollingUpdate(ds, selector, nodes, placer, hash);
      }
      cleanupHistory(ds, selector, history.old());
    } catch (Exception e) {
      failure = e;
    }
    Result result;
    try {
      result = updateStatus(ds, selector, nodes, placer, hash, true);
    } catch (Exception e) {
      if (failure != null) {
        log.log(System.Logger.Level.INFO, "failed to update status of DaemonSet " + key, e);
        throw failure;
      }
      throw e;
    }
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  private static String updateStrategyType(DaemonSet ds) {
    var us = ds.getSpec().getUpdateStrategy();
    return us == null || us.getType() == null ? "RollingUpdate" : us.getType();
  }

  // ---- history ----

  /** The current revision and the others. */
  record History(ControllerRevision current, List<ControllerRevision> old) {}

  private History constructHistory(DaemonSet ds, LabelSelector selector) {
    List<ControllerRevision> controlled = controlledHistories(ds, selector);
    String currentRaw = Revisions.raw(ds.getSpec().getTemplate());
    List<ControllerRevision> current = new ArrayList<>();
    List<ControllerRevision> old = new ArrayList<>();
    for (ControllerRevision r : controlled) {
      Map<String, String> labels = r.getMetadata().getLabels();
      if (labels == null || !labels.containsKey(DaemonSetUtil.HASH_LABEL)) {
        // A revision without the hash label gets its name as the hash (no collision to fear).
        ControllerRevision copy = KubeObjects.deepCopy(r);
        Map<String, String> l =
            labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(labels);
        l.put(DaemonSetUtil.HASH_LABEL, copy.getMetadata().getName());
        copy.getMetadata().setLabels(l);
        r = revisions.update(copy);
      }
      if (Revisions.raw(r).equals(currentRaw)) {
        current.add(r);
      } else {
        old.add(r);
      }
    }
    long next = old.stream().mapToLong(Revisions::revisionOf).max().orElse(0) + 1;
    ControllerRevision cur;
    if (current.isEmpty()) {
      cur = snapshot(ds, next);
    } else {
      cur = dedupCurHistories(ds, selector, current);
      if (Revisions.revisionOf(cur) < next) {
        ControllerRevision copy = KubeObjects.deepCopy(cur);
        copy.setRevision(next);
        revisions.update(copy);
      }
    }
    return new History(cur, old);
  }

  private List<ControllerRevision> controlledHistories(DaemonSet ds, LabelSelector selector) {
    List<ControllerRevision> all =
        revisionLister.list(ds.getMetadata().getNamespace(), LabelSelector.everything());
    ControllerRefManager<ControllerRevision> refs =
        new ControllerRefManager<>(
            revisions,
            ds,
            selector,
            DaemonSetUtil.API_VERSION,
            DaemonSetUtil.KIND,
            ControllerRefManager.recheckDeletionTimestamp(daemonSets, ds));
    return refs.claim(all);
  }

  /**
   * Creates the revision of the current template, {@code <ds>-<hash>}. A revision of that name with
   * other data is a hash collision: {@code status.collisionCount} goes up (unless the cached count
   * was stale) and the sync fails, to try the next name.
   */
  private ControllerRevision snapshot(DaemonSet ds, long revision) {
    Integer collisionCount = ds.getStatus() == null ? null : ds.getStatus().getCollisionCount();
    PodTemplateSpec template = ds.getSpec().getTemplate();
    String hash = DeploymentUtil.computeHash(template, collisionCount);
    ControllerRevision cr = new ControllerRevision();
    cr.setApiVersion("apps/v1");
    cr.setKind("ControllerRevision");
    io.fabric8.kubernetes.api.model.ObjectMeta meta =
        new io.fabric8.kubernetes.api.model.ObjectMeta();
    meta.setName(ds.getMetadata().getName() + "-" + hash);
    meta.setNamespace(ds.getMetadata().getNamespace());
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(DaemonSetUtil.HASH_LABEL, hash);
    meta.setLabels(labels);
    if (ds.getMetadata().getAnnotations() != null) {
      meta.setAnnotations(new LinkedHashMap<>(ds.getMetadata().getAnnotations()));
    }
    meta.setOwnerReferences(
        new ArrayList<>(
            List.of(
                ControllerRefs.newControllerRef(
                    ds, DaemonSetUtil.API_VERSION, DaemonSetUtil.KIND))));
    cr.setMetadata(meta);
    cr.setData(Revisions.dataOf(Revisions.templatePatch(template)));
    cr.setRevision(revision);
    try {
      return revisions.create(cr);
    } catch (StatusError e) {
      if (e.code() != 409 || !"AlreadyExists".equals(e.reason())) {
        throw e;
      }
      ControllerRevision existing =
          revisions.get(meta.getNamespace(), meta.getName()).orElseThrow(() -> e);
      if (Revisions.raw(existing).equals(Revisions.raw(template))) {
        return existing;
      }
      DaemonSet fresh =
          daemonSets
              .get(ds.getMetadata().getNamespace(), ds.getMetadata().getName())
              .orElseThrow(() -> e);
      Integer freshCount = fresh.getStatus() == null ? null : fresh.getStatus().getCollisionCount();
      if (!Objects.equals(freshCount, collisionCount)) {
        throw new IllegalStateException(
            "found a stale collision count ("
                + collisionCount
                + ", expected "
                + freshCount
                + ") of DaemonSet \""
                + ds.getMetadata().getName()
                + "\" while processing; will retry until it is updated",
            e);
      }
      if (fresh.getStatus() == null) {
        fresh.setStatus(new DaemonSetStatus());
      }
      fresh.getStatus().setCollisionCount(freshCount == null ? 1 : freshCount + 1);
      daemonSets.updateStatus(fresh);
      throw e;
    }
  }

  /** Keeps the highest-numbered of several current revisions, relabelling pods, deleting others. */
  private ControllerRevision dedupCurHistories(
      DaemonSet ds, LabelSelector selector, List<ControllerRevision> current) {
    if (current.size() == 1) {
      return current.getFirst();
    }
    ControllerRevision keep = null;
    for (ControllerRevision r : current) {
      if (keep == null || Revisions.revisionOf(r) >= Revisions.revisionOf(keep)) {
        keep = r;
      }
    }
    String keepHash = keep.getMetadata().getLabels().get(DaemonSetUtil.HASH_LABEL);
    for (ControllerRevision r : current) {
      if (r.getMetadata().getName().equals(keep.getMetadata().getName())) {
        continue;
      }
      for (Pod pod : daemonPods(ds, selector)) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || !Objects.equals(labels.get(DaemonSetUtil.HASH_LABEL), keepHash)) {
          pods.patch(
              pod.getMetadata().getNamespace(),
              pod.getMetadata().getName(),
              PatchType.STRATEGIC_MERGE_PATCH,
              "{\"metadata\":{\"labels\":{\""
                  + DaemonSetUtil.HASH_LABEL
                  + "\":\""
                  + keepHash
                  + "\"}}}");
        }
      }
      deleteRevision(r);
    }
    return keep;
  }

  private void deleteRevision(ControllerRevision r) {
    try {
      revisions.delete(r.getMetadata().getNamespace(), r.getMetadata().getName(), null);
    } catch (StatusError e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  /** Deletes the oldest old revisions no pod uses, down to {@code revisionHistoryLimit}. */
  private void cleanupHistory(DaemonSet ds, LabelSelector selector, List<ControllerRevision> old) {
    Integer limit = ds.getSpec().getRevisionHistoryLimit();
    int toKill = old.size() - (limit == null ? 10 : limit);
    if (toKill <= 0) {
      return;
    }
    Set<String> liveHashes = new HashSet<>();
    for (List<Pod> onNode : nodesToDaemonPods(ds, selector, true).values()) {
      for (Pod pod : onNode) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String h = labels == null ? null : labels.get(DaemonSetUtil.HASH_LABEL);
        if (h != null && !h.isEmpty()) {
          liveHashes.add(h);
        }
      }
    }
    List<ControllerRevision> sorted = new ArrayList<>(old);
    sorted.sort(Comparator.comparingLong(Revisions::revisionOf));
    for (ControllerRevision r : sorted) {
      if (toKill <= 0) {
        break;
      }
      Map<String, String> labels = r.getMetadata().getLabels();
      if (labels != null && liveHashes.contains(labels.get(DaemonSetUtil.HASH_LABEL))) {
        continue;
      }
      deleteRevision(r);
      toKill--;
    }
  }

  // ---- pods per node ----

  private List<Pod> daemonPods(DaemonSet ds, LabelSelector selector) {
    List<Pod> all = podLister.list(ds.getMetadata().getNamespace(), LabelSelector.everything());
    ControllerRefManager<Pod> refs =
        new ControllerRefManager<>(
            pods,
            ds,
            selector,
            DaemonSetUtil.API_VERSION,
            DaemonSetUtil.KIND,
            ControllerRefManager.recheckDeletionTimestamp(daemonSets, ds));
    return refs.claim(all);
  }

  /**
   * The set's pods by target node, in node name order; terminal pods being deleted only when {@code
   * includeDeletedTerminal}.
   */
  private Map<String, List<Pod>> nodesToDaemonPods(
      DaemonSet ds, LabelSelector selector, boolean includeDeletedTerminal) {
    Map<String, List<Pod>> out = new TreeMap<>();
    for (Pod pod : daemonPods(ds, selector)) {
      if (!includeDeletedTerminal
          && PodUtil.isPodTerminal(pod)
          && pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Optional<String> node = DaemonSetUtil.targetNodeName(pod);
      if (node.isEmpty()) {
        log.log(
            System.Logger.Level.INFO,
            "failed to get target node name of pod {0} in DaemonSet {1}",
            pod.getMetadata().getName(),
            KubeObjects.key(ds));
        continue;
      }
      out.computeIfAbsent(node.get(), n -> new ArrayList<>()).add(pod);
    }
    return out;
  }

  /** Creates and deletes pods so that each node has what it should; see the class comment. */
  private void manage(
      DaemonSet ds,
      LabelSelector selector,
      List<Node> nodes,
      DaemonSetUtil.Placer placer,
      String hash)
      throws Exception {
    Map<String, List<Pod>> nodeToDaemonPods = nodesToDaemonPods(ds, selector, false);
    List<String> nodesNeedingDaemonPods = new ArrayList<>();
    List<String> podsToDelete = new ArrayList<>();
    Set<String> nodeNames = new HashSet<>();
    for (Node node : nodes) {
      nodeNames.add(node.getMetadata().getName());
      podsShouldBeOnNode(
          node,
          placer.place(node),
          nodeToDaemonPods,
          ds,
          hash,
          nodesNeedingDaemonPods,
          podsToDelete);
    }
    // Unscheduled pods of nodes that are gone never run, and the pod GC never sees them.
    nodeToDaemonPods.forEach(
        (node, onNode) -> {
          if (!nodeNames.contains(node)) {
            for (Pod pod : onNode) {
              if (DaemonSetUtil.nz(pod.getSpec().getNodeName()).isEmpty()) {
                podsToDelete.add(pod.getMetadata().getName());
              }
            }
          }
        });
    syncNodes(ds, podsToDelete, nodesNeedingDaemonPods, hash);
  }

  private void podsShouldBeOnNode(
      Node node,
      DaemonSetUtil.Placement placement,
      Map<String, List<Pod>> nodeToDaemonPods,
      DaemonSet ds,
      String hash,
      List<String> nodesNeedingDaemonPods,
      List<String> podsToDelete) {
    String nodeName = node.getMetadata().getName();
    List<Pod> daemonPods = nodeToDaemonPods.get(nodeName);
    boolean exists = daemonPods != null;
    if (placement.shouldRun() && !exists) {
      nodesNeedingDaemonPods.add(nodeName);
      return;
    }
    if (placement.shouldContinueRunning()) {
      List<Pod> running = new ArrayList<>();
      for (Pod pod : daemonPods == null ? List.<Pod>of() : daemonPods) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        String phase = PodUtil.phase(pod);
        if (PodUtil.PHASE_FAILED.equals(phase)) {
          // Kubelets that reject a pod fight the controller; back off per node.
          String backoffKey = KubeObjects.key(ds) + "/" + nodeName;
          Instant now = clock().now();
          if (failedPodsBackoff.isInBackOffSinceUpdate(backoffKey, now)) {
            enqueueAfter(ds, failedPodsBackoff.get(backoffKey));
            continue;
          }
          failedPodsBackoff.next(backoffKey, now);
          recorder.event(
              ds,
              "Warning",
              FAILED_DAEMON_POD,
              "Found failed daemon pod "
                  + pod.getMetadata().getNamespace()
                  + "/"
                  + pod.getMetadata().getName()
                  + " on node "
                  + nodeName
                  + ", will try to kill it");
          podsToDelete.add(pod.getMetadata().getName());
        } else if (PodUtil.PHASE_SUCCEEDED.equals(phase)) {
          recorder.event(
              ds,
              "Normal",
              SUCCEEDED_DAEMON_POD,
              "Found succeeded daemon pod "
                  + pod.getMetadata().getNamespace()
                  + "/"
                  + pod.getMetadata().getName()
                  + " on node "
                  + nodeName
                  + ", will try to delete it");
          podsToDelete.add(pod.getMetadata().getName());
        } else {
          running.add(pod);
        }
      }
      running.sort(DaemonSetUtil.BY_CREATION_TIMESTAMP_AND_PHASE);
      if (!DaemonSetUtil.allowsSurge(ds)) {
        // Without surge one pod per node: the oldest stays.
        for (int i = 1; i < running.size(); i++) {
          podsToDelete.add(running.get(i).getMetadata().getName());
        }
        return;
      }
      if (running.size() <= 1) {
        if (running.isEmpty() && placement.shouldRun()) {
          nodesNeedingDaemonPods.add(nodeName);
        }
        return;
      }
      // With surge: the oldest new pod and the oldest old pod may both stay, the old one only
      // while it is ready and the new one is not yet available.
      Pod oldestNew = null;
      Pod oldestOld = null;
      for (Pod pod : running) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        boolean isNew = labels != null && hash.equals(labels.get(DaemonSetUtil.HASH_LABEL));
        if (isNew && oldestNew == null) {
          oldestNew = pod;
        } else if (!isNew && oldestOld == null) {
          oldestOld = pod;
        } else {
          podsToDelete.add(pod.getMetadata().getName());
        }
      }
      if (oldestNew != null && oldestOld != null) {
        if (!PodUtil.isPodReady(oldestOld)
            || PodUtil.isPodAvailable(oldestNew, minReadySeconds(ds), clock().now())) {
          podsToDelete.add(oldestOld.getMetadata().getName());
        }
      }
      return;
    }
    if (exists) {
      for (Pod pod : daemonPods) {
        if (pod.getMetadata().getDeletionTimestamp() == null) {
          podsToDelete.add(pod.getMetadata().getName());
        }
      }
    }
  }

  /**
   * Creates pods for {@code nodesNeedingDaemonPods} in slow-start batches and deletes {@code
   * podsToDelete}, each at most {@link #BURST_REPLICAS}, under expectations.
   */
  private void syncNodes(
      DaemonSet ds, List<String> podsToDelete, List<String> nodesNeedingDaemonPods, String hash)
      throws Exception {
    String key = KubeObjects.key(ds);
    int createDiff = Math.min(nodesNeedingDaemonPods.size(), BURST_REPLICAS);
    int deleteDiff = Math.min(podsToDelete.size(), BURST_REPLICAS);
    expectations.setExpectations(key, createDiff, deleteDiff);
    PodTemplateSpec template =
        DaemonSetUtil.createPodTemplate(
            ds.getSpec().getTemplate(), DaemonSetUtil.templateGeneration(ds), hash);
    OwnerReference ref =
        ControllerRefs.newControllerRef(ds, DaemonSetUtil.API_VERSION, DaemonSetUtil.KIND);
    String namespace = ds.getMetadata().getNamespace();
    ConcurrentLinkedQueue<Exception> errors = new ConcurrentLinkedQueue<>();
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      int pos = 0;
      for (int batch = Math.min(createDiff, 1);
          batch > 0;
          pos += batch, batch = Math.min(2 * batch, createDiff - pos)) {
        int errorsBefore = errors.size();
        List<Future<?>> calls = new ArrayList<>();
        for (int i = pos; i < pos + batch; i++) {
          String nodeName = nodesNeedingDaemonPods.get(i);
          calls.add(
              parallel.submit(
                  () -> {
                    PodTemplateSpec podTemplate = new PodTemplateSpecBuilder(template).build();
                    podTemplate
                        .getSpec()
                        .setAffinity(
                            DaemonSetUtil.replaceNodeNameAffinity(
                                podTemplate.getSpec().getAffinity(), nodeName));
                    try {
                      podControl.createPods(namespace, podTemplate, ds, ref);
                    } catch (StatusError e) {
                      if (ClientPodControl.hasCause(
                          e, ClientPodControl.NAMESPACE_TERMINATING_CAUSE)) {
                        // Every create fails while the namespace is deleted; nothing to retry.
                        return;
                      }
                      expectations.creationObserved(key);
                      errors.add(e);
                    } catch (RuntimeException e) {
                      expectations.creationObserved(key);
                      errors.add(e);
                    }
                  }));
        }
        await(calls);
        int skipped = createDiff - (pos + batch);
        if (errors.size() > errorsBefore && skipped > 0) {
          // The rest would likely fail the same way; the next sync starts slowly again.
          expectations.lowerExpectations(key, skipped, 0);
          break;
        }
      }
      List<Future<?>> deletes = new ArrayList<>();
      for (int i = 0; i < deleteDiff; i++) {
        String podName = podsToDelete.get(i);
        deletes.add(
            parallel.submit(
                () -> {
                  try {
                    podControl.deletePod(namespace, podName, ds);
                  } catch (StatusError e) {
                    expectations.deletionObserved(key);
                    if (e.code() != 404) {
                      errors.add(e);
                    }
                  } catch (RuntimeException e) {
                    expectations.deletionObserved(key);
                    errors.add(e);
                  }
                }));
      }
      await(deletes);
    }
    if (!errors.isEmpty()) {
      Exception first = errors.poll();
      errors.forEach(first::addSuppressed);
      throw first;
    }
  }

  private static void await(List<Future<?>> calls) throws InterruptedException {
    for (Future<?> f : calls) {
      try {
        f.get();
      } catch (ExecutionException e) {
        // Each call reports its own failures into the error queue.
      }
    }
  }

  // ---- rolling update ----

  /**
   * The new and old pod of a node, or null for the pair when a node has more than one of a kind.
   */
  private record NodePods(Pod newPod, Pod oldPod) {}

  private static NodePods findUpdatedPodsOnNode(List<Pod> onNode, String hash, Long generation) {
    Pod newPod = null;
    Pod oldPod = null;
    for (Pod pod : onNode) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (DaemonSetUtil.isPodUpdated(pod, hash, generation)) {
        if (newPod != null) {
          return null;
        }
        newPod = pod;
      } else {
        if (oldPod != null) {
          return null;
        }
        oldPod = pod;
      }
    }
    return new NodePods(newPod, oldPod);
  }

  private void rollingUpdate(
      DaemonSet ds,
      LabelSelector selector,
      List<Node> nodes,
      DaemonSetUtil.Placer placer,
      String hash)
      throws Exception {
    Map<String, List<Pod>> nodeToDaemonPods = nodesToDaemonPods(ds, selector, false);
    int desired = 0;
    Map<String, Node> nodesByName = new LinkedHashMap<>();
    for (Node node : nodes) {
      nodesByName.put(node.getMetadata().getName(), node);
      if (placer.place(node).shouldRun()) {
        desired++;
        nodeToDaemonPods.putIfAbsent(node.getMetadata().getName(), List.of());
      }
    }
    DaemonSetUtil.Budget budget = DaemonSetUtil.budget(ds, desired);
    Long generation = DaemonSetUtil.templateGeneration(ds);
    Instant now = clock().now();
    int minReady = minReadySeconds(ds);

    if (budget.maxSurge() == 0) {
      int numUnavailable = 0;
      List<String> allowedReplacementPods = new ArrayList<>();
      List<String> candidatePodsToDelete = new ArrayList<>();
      for (List<Pod> onNode : nodeToDaemonPods.values()) {
        NodePods np = findUpdatedPodsOnNode(onNode, hash, generation);
        if (np == null) {
          // Excess pods: the manage loop cleans up; count the node as unavailable.
          numUnavailable++;
          continue;
        }
        if ((np.oldPod() == null) == (np.newPod() == null)) {
          // None or both: the manage loop creates or deletes; count it as unavailable.
          numUnavailable++;
        } else if (np.newPod() != null) {
          if (!PodUtil.isPodAvailable(np.newPod(), minReady, now)) {
            numUnavailable++;
          }
        } else if (!PodUtil.isPodAvailable(np.oldPod(), minReady, now)) {
          // An unavailable old pod may be replaced at once.
          allowedReplacementPods.add(np.oldPod().getMetadata().getName());
        } else if (numUnavailable < budget.maxUnavailable()) {
          candidatePodsToDelete.add(np.oldPod().getMetadata().getName());
        }
      }
      int remaining =
          Math.min(
              Math.max(budget.maxUnavailable() - numUnavailable, 0), candidatePodsToDelete.size());
      List<String> toDelete = new ArrayList<>(allowedReplacementPods);
      toDelete.addAll(candidatePodsToDelete.subList(0, remaining));
      syncNodes(ds, toDelete, List.of(), hash);
      return;
    }

    List<String> oldPodsToDelete = new ArrayList<>();
    List<String> candidateNewNodes = new ArrayList<>();
    List<String> allowedNewNodes = new ArrayList<>();
    int numSurge = 0;
    int numAvailable = 0;
    for (Map.Entry<String, List<Pod>> e : nodeToDaemonPods.entrySet()) {
      String nodeName = e.getKey();
      NodePods np = findUpdatedPodsOnNode(e.getValue(), hash, generation);
      if (np == null) {
        numSurge++;
        continue;
      }
      Pod counted = np.newPod() != null ? np.newPod() : np.oldPod();
      if (counted != null && PodUtil.isPodAvailable(counted, minReady, now)) {
        numAvailable++;
      }
      if (np.oldPod() == null) {
        continue;
      }
      if (np.newPod() == null) {
        if (!PodUtil.isPodAvailable(np.oldPod(), minReady, now)) {
          Node node = nodesByName.get(nodeName);
          if (node == null) {
            throw new IllegalStateException(
                "couldn't get node for nodeName \"" + nodeName + "\": node not found");
          }
          if (!placer.place(node).shouldRun()) {
            oldPodsToDelete.add(np.oldPod().getMetadata().getName());
            continue;
          }
          allowedNewNodes.add(nodeName);
        } else if (numSurge < budget.maxSurge()) {
          candidateNewNodes.add(nodeName);
        }
        continue;
      }
      if (!PodUtil.isPodAvailable(np.newPod(), minReady, now)) {
        numSurge++;
        continue;
      }
      oldPodsToDelete.add(np.oldPod().getMetadata().getName());
    }
    // With surge the owner expects full availability: delete old pods only beyond the desired
    // number of available ones.
    int deletable = numAvailable - desired;
    if (deletable <= 0) {
      oldPodsToDelete.clear();
    } else if (deletable < oldPodsToDelete.size()) {
      oldPodsToDelete = new ArrayList<>(oldPodsToDelete.subList(0, deletable));
    }
    int remainingSurge =
        Math.min(Math.max(budget.maxSurge() - numSurge, 0), candidateNewNodes.size());
    List<String> newNodes = new ArrayList<>(allowedNewNodes);
    newNodes.addAll(candidateNewNodes.subList(0, remainingSurge));
    syncNodes(ds, oldPodsToDelete, newNodes, hash);
  }

  // ---- status ----

  private Result updateStatus(
      DaemonSet ds,
      LabelSelector selector,
      List<Node> nodes,
      DaemonSetUtil.Placer placer,
      String hash,
      boolean observe) {
    Map<String, List<Pod>> nodeToDaemonPods = nodesToDaemonPods(ds, selector, false);
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int updated = 0;
    int available = 0;
    Instant now = clock().now();
    Long generation = DaemonSetUtil.templateGeneration(ds);
    for (Node node : nodes) {
      boolean shouldRun = placer.place(node).shouldRun();
      List<Pod> onNode = nodeToDaemonPods.getOrDefault(node.getMetadata().getName(), List.of());
      boolean scheduled = !onNode.isEmpty();
      if (shouldRun) {
        desired++;
        if (!scheduled) {
          continue;
        }
        current++;
        List<Pod> sorted = new ArrayList<>(onNode);
        sorted.sort(DaemonSetUtil.BY_CREATION_TIMESTAMP_AND_PHASE);
        Pod pod = sorted.getFirst();
        PodCondition readyCondition = PodUtil.trueReadyCondition(pod);
        if (readyCondition != null) {
          ready++;
          if (PodUtil.isAvailable(readyCondition, minReadySeconds(ds), now)) {
            available++;
          }
        }
        if (DaemonSetUtil.isPodUpdated(pod, hash, generation)) {
          updated++;
        }
      } else if (scheduled) {
        misscheduled++;
      }
    }
    storeStatus(ds, desired, current, misscheduled, ready, updated, available, observe);
    int minReady = minReadySeconds(ds);
    if (minReady > 0 && ready != available) {
      // A last line of defence against clock skew: look at availability again.
      return Result.requeueAfter(Duration.ofSeconds(minReady));
    }
    return Result.done();
  }

  private void storeStatus(
      DaemonSet ds,
      int desired,
      int current,
      int misscheduled,
      int ready,
      int updated,
      int available,
      boolean observe) {
    int unavailable = desired - available;
    DaemonSetStatus s = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
    long generation = value(ds.getMetadata().getGeneration());
    if (value(s.getDesiredNumberScheduled()) == desired
        && value(s.getCurrentNumberScheduled()) == current
        && value(s.getNumberMisscheduled()) == misscheduled
        && value(s.getNumberReady()) == ready
        && value(s.getUpdatedNumberScheduled()) == updated
        && value(s.getNumberAvailable()) == available
        && value(s.getNumberUnavailable()) == unavailable
        && value(s.getObservedGeneration()) >= generation) {
      return;
    }
    DaemonSet toUpdate = KubeObjects.deepCopy(ds);
    for (int attempt = 0; ; attempt++) {
      DaemonSetStatus st =
          toUpdate.getStatus() == null ? new DaemonSetStatus() : toUpdate.getStatus();
      if (observe) {
        st.setObservedGeneration(generation);
      }
      st.setDesiredNumberScheduled(desired);
      st.setCurrentNumberScheduled(current);
      st.setNumberMisscheduled(misscheduled);
      st.setNumberReady(ready);
      st.setUpdatedNumberScheduled(updated);
      st.setNumberAvailable(available);
      st.setNumberUnavailable(unavailable);
      toUpdate.setStatus(st);
      try {
        daemonSets.updateStatus(toUpdate);
        return;
      } catch (StatusError e) {
        if (attempt >= STATUS_UPDATE_RETRIES) {
          throw e;
        }
        toUpdate =
            daemonSets
                .get(ds.getMetadata().getNamespace(), ds.getMetadata().getName())
                .orElseThrow(() -> e);
      }
    }
  }

  private static long value(Number n) {
    return n == null ? 0 : n.longValue();
  }
}
