package io.skiff.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Taint;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Indexer;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's taint eviction controller (the node lifecycle controller's taint manager before 1.29),
 * one pod per key: a pod bound to a node with NoExecute taints is deleted at once if it does not
 * tolerate them all, else when the least {@code tolerationSeconds} of the tolerations used have
 * passed since the controller first saw it there; tolerating without {@code tolerationSeconds}
 * keeps it for ever. A taint removed in time cancels the eviction ({@code Cancelling deletion}
 * event). Before deleting it records {@code TaintManagerEviction} and adds the {@code
 * DisruptionTarget} condition ({@code DeletionByTaintManager}).
 */
public final class TaintEvictionController extends QueueController {

  /** The controller's name, as kube-controller-manager's {@code --controllers} spells it. */
  public static final String NAME = "taint-eviction-controller";

  static final String EVENT_REASON = "TaintManagerEviction";

  /** An eviction waiting for its time: when it was first scheduled and when it is due. */
  private record Scheduled(String podUid, Instant createdAt, Instant due) {}

  private final Resources<Pod> pods;
  private final Lister<Pod> podLister;
  private final Indexer<Pod> podIndexer;
  private final Lister<Node> nodeLister;
  private final EventRecorder recorder;
  private final Map<String, Scheduled> scheduled = new ConcurrentHashMap<>();

  public TaintEvictionController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.pods = ctx.client().resources(Pod.class);
    this.recorder = ctx.recorder(NAME);

    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    Taints.addNodeNameIndex(podInformer);
    this.podLister = podInformer.lister();
    this.podIndexer = podInformer.indexer();
    podInformer.addEventHandler(
        ResourceEventHandler.<Pod>of(
            this::podChanged,
            (oldPod, newPod) -> podChanged(newPod),
            pod -> scheduled.remove(KubeObjects.key(pod))));

    SharedInformer<Node> nodeInformer = ctx.informers().informerFor(Node.class);
    this.nodeLister = nodeInformer.lister();
    nodeInformer.addEventHandler(
        ResourceEventHandler.<Node>of(
            node -> nodeChanged(null, node), this::nodeChanged, node -> nodeChanged(node, null)));
  }

  /** When the pod of {@code key} is due to be evicted, if it is; tests look at it. */
  Optional<Instant> evictionDue(String key) {
    return Optional.ofNullable(scheduled.get(key)).map(Scheduled::due);
  }

  void podChanged(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if ((node != null && !node.isEmpty()) || scheduled.containsKey(KubeObjects.key(pod))) {
      enqueue(pod);
    }
  }

  void nodeChanged(Node oldNode, Node newNode) {
    List<Taint> before = oldNode == null ? List.of() : Taints.noExecuteTaints(oldNode);
    List<Taint> after = newNode == null ? List.of() : Taints.noExecuteTaints(newNode);
    if (before.equals(after)) {
      return;
    }
    String name = (newNode != null ? newNode : oldNode).getMetadata().getName();
    for (Pod pod : podIndexer.byIndex(Taints.NODE_NAME_INDEX, name)) {
      enqueue(pod);
    }
  }

  @Override
  protected Result sync(String key) throws Exception {
    ObjectKey k = ObjectKey.parse(key);
    Optional<Pod> cached = podLister.get(k.namespace(), k.name());
    if (cached.isEmpty() || cached.get().getMetadata().getDeletionTimestamp() != null) {
      scheduled.remove(key);
      return Result.done();
    }
    Pod pod = cached.get();
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    List<Taint> taints =
        nodeName == null || nodeName.isEmpty()
            ? List.of()
            : nodeLister.get(null, nodeName).map(Taints::noExecuteTaints).orElse(List.of());
    Optional<Duration> tolerated =
        taints.isEmpty()
            ? Optional.empty()
            : Taints.tolerationTime(Taints.tolerationsOf(pod), taints);
    if (tolerated.isEmpty()) {
      cancel(key, pod);
      return Result.done();
    }
    Instant now = clock().now();
    Scheduled previous = scheduled.get(key);
    if (previous != null && !previous.podUid().equals(pod.getMetadata().getUid())) {
      previous = null;
    }
    Instant start = previous == null ? now : previous.createdAt();
    Instant due = start.plus(tolerated.get());
    scheduled.put(key, new Scheduled(pod.getMetadata().getUid(), start, due));
    if (now.isBefore(due)) {
      return Result.requeueAt(due);
    }
    evict(pod, now);
    scheduled.remove(key);
    return Result.done();
  }

  private void cancel(String key, Pod pod) {
    if (scheduled.remove(key) != null) {
      recorder.event(pod, "Normal", EVENT_REASON, "Cancelling deletion of Pod " + key);
    }
  }

  /** Upstream's {@code addConditionAndDeletePod}, after the {@code Marking for deletion} event. */
  private void evict(Pod pod, Instant now) {
    String key = KubeObjects.key(pod);
    recorder.event(pod, "Normal", EVENT_REASON, "Marking for deletion Pod " + key);
    Pod copy = KubeObjects.deepCopy(pod);
    if (copy.getStatus() == null) {
      copy.setStatus(new PodStatus());
    }
    List<PodCondition> conditions =
        copy.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(copy.getStatus().getConditions());
    PodCondition target =
        conditions.stream()
            .filter(c -> "DisruptionTarget".equals(c.getType()))
            .findFirst()
            .orElse(null);
    if (target == null) {
      target = new PodCondition();
      target.setType("DisruptionTarget");
      conditions.add(target);
    }
    if (!"True".equals(target.getStatus())) {
      target.setLastTransitionTime(Times.format(now));
    }
    target.setStatus("True");
    target.setReason("DeletionByTaintManager");
    target.setMessage("Taint manager: deleting due to NoExecute taint");
    copy.getStatus().setConditions(conditions);
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    try {
      pods.updateStatus(copy);
      DeleteOptions options = new DeleteOptions();
      // Only the pod the decision was about, not a new one of the same name.
      options.setPreconditions(
          new io.fabric8.kubernetes.api.model.Preconditions(null, pod.getMetadata().getUid()));
      pods.delete(ns, name, options);
    } catch (StatusError e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }
}
