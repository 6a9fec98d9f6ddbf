package io.skiff.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Indexer;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's node lifecycle controller (with {@code TaintNodesByCondition}), one node per key,
 * every node re-checked each monitor period:
 *
 * <ol>
 *   <li>a node whose last sign of life (its Lease's {@code renewTime}, its Ready condition's {@code
 *       lastHeartbeatTime}, or its creation) is older than the grace period gets its Ready,
 *       MemoryPressure, DiskPressure and PIDPressure conditions set to {@code Unknown} ({@code
 *       NodeStatusUnknown}, or {@code NodeStatusNeverUpdated} when the kubelet never posted them);
 *   <li>its taints follow its conditions: {@code not-ready} / {@code unreachable} NoExecute for
 *       Ready False / Unknown, and the NoSchedule taints of Ready, the pressure conditions and
 *       {@code spec.unschedulable} (cordon), each with {@code timeAdded}; taints no longer backed
 *       by a condition are removed;
 *   <li>when a node stops being Ready, the Ready condition of its pods turns False (upstream's
 *       {@code MarkPodsNotReady}) and a {@code NodeNotReady} event is recorded.
 * </ol>
 *
 * <p>Evicting the pods of tainted nodes is {@link TaintEvictionController}'s work. Upstream's
 * zone-based eviction rate limits are not modelled: each node is tainted as soon as it is seen
 * unhealthy.
 */
public final class NodeLifecycleController extends QueueController {

  private static final System.Logger log =
      System.getLogger(NodeLifecycleController.class.getName());

  /** The controller's name (kube-controller-manager's {@code --controllers} alias). */
  public static final String NAME = "nodelifecycle";

  /** Upstream's {@code --node-monitor-period}. */
  public static final Duration DEFAULT_MONITOR_PERIOD = Duration.ofSeconds(5);

  /**
   * Upstream's {@code --node-monitor-grace-period}: 50 s since Kubernetes 1.32 (40 s before),
   * longer than a kubelet's HTTP/2 ping and read-idle timeouts together, so that a kubelet that
   * must drop a broken connection does not flap its node (kubernetes/kubernetes#126287).
   */
  public static final Duration DEFAULT_MONITOR_GRACE_PERIOD = Duration.ofSeconds(50);

  /** Where kubelets keep their heartbeat Leases. */
  static final String LEASE_NAMESPACE = "kube-node-lease";

  static final String READY = "Ready";
  static final String MEMORY_PRESSURE = "MemoryPressure";
  static final String DISK_PRESSURE = "DiskPressure";
  static final String PID_PRESSURE = "PIDPressure";
  static final String NETWORK_UNAVAILABLE = "NetworkUnavailable";

  /** The conditions the kubelet owns, set to Unknown when it goes silent. */
  static final List<String> KUBELET_CONDITIONS =
      List.of(READY, MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE);

  /** Upstream's {@code nodeConditionToTaintKeyStatusMap}: condition, status → NoSchedule taint. */
  private static final Map<String, Map<String, String>> CONDITION_TAINTS =
      Map.of(
          READY, Map.of("False", Taints.NOT_READY, "Unknown", Taints.UNREACHABLE),
          MEMORY_PRESSURE, Map.of("True", Taints.MEMORY_PRESSURE),
          DISK_PRESSURE, Map.of("True", Taints.DISK_PRESSURE),
          NETWORK_UNAVAILABLE, Map.of("True", Taints.NETWORK_UNAVAILABLE),
          PID_PRESSURE, Map.of("True", Taints.PID_PRESSURE));

  private final Duration monitorPeriod;
  private final Duration gracePeriod;
  private final Resources<Node> nodes;
  private final Resources<Pod> pods;
  private final Lister<Node> nodeLister;
  private final Lister<Lease> leaseLister;
  private final Indexer<Pod> podIndexer;
  private final EventRecorder recorder;

  /** The Ready status each node had at its last sync, to see it stop being Ready. */
  private final Map<String, String> observedReady = new ConcurrentHashMap<>();

  /** Nodes whose pods still have to be marked not ready after a failed attempt. */
  private final Map<String, Boolean> markPodsPending = new ConcurrentHashMap<>();

  /** The controller with upstream's defaults: monitor period 5 s, grace period 50 s. */
  public NodeLifecycleController(ControllerContext ctx) {
    this(ctx, DEFAULT_MONITOR_GRACE_PERIOD);
  }

  /** The controller with {@code --node-monitor-grace-period} {@code monitorGracePeriod}. */
  public NodeLifecycleController(ControllerContext ctx, Duration monitorGracePeriod) {
    this(ctx, DEFAULT_MONITOR_PERIOD, monitorGracePeriod);
  }

  public NodeLifecycleController(
      ControllerContext ctx, Duration monitorPeriod, Duration monitorGracePeriod) {
    super(NAME, ctx.clock());
    if (monitorPeriod.isNegative() || monitorPeriod.isZero()) {
      throw new IllegalArgumentException("node monitor period must be positive: " + monitorPeriod);
    }
    this.monitorPeriod = monitorPeriod;
    this.gracePeriod = monitorGracePeriod;
    this.nodes = ctx.client().resources(Node.class);
    this.pods = ctx.client().resources(Pod.class);
    this.recorder = ctx.recorder("node-controller");

    SharedInformer<Node> nodeInformer = ctx.informers().informerFor(Node.class);
    this.nodeLister = nodeInformer.lister();
    nodeInformer.addEventHandler(enqueueingHandler());

    SharedInformer<Lease> leaseInformer = ctx.informers().informerFor(Lease.class);
    this.leaseLister = leaseInformer.lister();
    leaseInformer.addEventHandler(
        ResourceEventHandler.<Lease>of(
            this::leaseChanged,
            (oldLease, newLease) -> leaseChanged(newLease),
            this::leaseChanged));

    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    Taints.addNodeNameIndex(podInformer);
    this.podIndexer = podInformer.indexer();
  }

  private void leaseChanged(Lease lease) {
    if (LEASE_NAMESPACE.equals(lease.getMetadata().getNamespace())) {
      // A node's Lease has the node's name, and a node's key is its name.
      enqueue(lease.getMetadata().getName());
    }
  }

  @Override
  protected Result sync(String key) throws Exception {
    String name = key;
    Optional<Node> cached = nodeLister.get(null, name);
    if (cached.isEmpty()) {
      observedReady.remove(name);
      markPodsPending.remove(name);
      return Result.done();
    }
    Node node = cached.get();
    Instant now = clock().now();

    Node afterHealth = updateHealth(node, now);
    Node afterTaints = reconcileTaints(afterHealth, now);

    String ready = conditionStatus(afterTaints, READY).orElse("Unknown");
    String previous = observedReady.put(name, ready);
    if (!"True".equals(ready) && "True".equals(previous)) {
      recorder.event(
          afterTaints, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
      markPodsPending.put(name, true);
    } else if ("True".equals(ready) && previous != null && !"True".equals(previous)) {
      recorder.event(
          afterTaints, "Normal", "NodeReady", "Node " + name + " status is now: NodeReady");
      markPodsPending.remove(name);
    }
    if (markPodsPending.containsKey(name)) {
      markPodsNotReady(name, now);
      markPodsPending.remove(name);
    }
    return Result.requeueAfter(monitorPeriod);
  }

  /** The moment the node last showed signs of life; see the class comment. */
  private Instant probeTime(Node node) {
    Instant probe = Times.parse(node.getMetadata().getCreationTimestamp());
    Optional<NodeCondition> ready = condition(node, READY);
    if (ready.isPresent()) {
      probe = later(probe, Times.parse(ready.get().getLastHeartbeatTime()));
    }
    Optional<Lease> lease = leaseLister.get(LEASE_NAMESPACE, node.getMetadata().getName());
    if (lease.isPresent()
        && lease.get().getSpec() != null
        && lease.get().getSpec().getRenewTime() != null) {
      probe = later(probe, lease.get().getSpec().getRenewTime().toInstant());
    }
    return probe;
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  /** Upstream's {@code tryUpdateNodeHealth}: Unknown conditions for a silent kubelet. */
  private Node updateHealth(Node node, Instant now) {
    Instant probe = probeTime(node);
    if (probe != null && !now.isAfter(probe.plus(gracePeriod))) {
      return node;
    }
    Node copy = KubeObjects.deepCopy(node);
    if (copy.getStatus() == null) {
      copy.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
    }
    List<NodeCondition> conditions =
        copy.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(copy.getStatus().getConditions());
    String nowText = Times.format(now);
    boolean changed = false;
    for (String type : KUBELET_CONDITIONS) {
      NodeCondition existing =
          conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
      if (existing == null) {
        NodeCondition c = new NodeCondition();
        c.setType(type);
        c.setStatus("Unknown");
        c.setReason("NodeStatusNeverUpdated");
        c.setMessage("Kubelet never posted node status.");
        c.setLastHeartbeatTime(Times.format(probe == null ? now : probe));
        c.setLastTransitionTime(nowText);
        conditions.add(c);
        changed = true;
      } else if (!"Unknown".equals(existing.getStatus())) {
        existing.setStatus("Unknown");
        existing.setReason("NodeStatusUnknown");
        existing.setMessage("Kubelet stopped posting node status.");
        existing.setLastTransitionTime(nowText);
        changed = true;
      }
    }
    if (!changed) {
      return node;
    }
    copy.getStatus().setConditions(conditions);
    log.log(
        System.Logger.Level.INFO,
        "node {0} has not posted its status for more than {1}: conditions set to Unknown",
        node.getMetadata().getName(),
        gracePeriod);
    return nodes.updateStatus(copy);
  }

  /** The taints the node's conditions and {@code spec.unschedulable} call for. */
  static List<Taint> desiredTaints(Node node) {
    List<Taint> out = new ArrayList<>();
    String ready = conditionStatus(node, READY).orElse(null);
    if ("False".equals(ready)) {
      out.add(taint(Taints.NOT_READY, Taints.NO_EXECUTE));
    } else if ("Unknown".equals(ready)) {
      out.add(taint(Taints.UNREACHABLE, Taints.NO_EXECUTE));
    }
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        String key = CONDITION_TAINTS.getOrDefault(c.getType(), Map.of()).get(c.getStatus());
        if (key != null) {
          out.add(taint(key, Taints.NO_SCHEDULE));
        }
      }
    }
    if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      out.add(taint(Taints.UNSCHEDULABLE, Taints.NO_SCHEDULE));
    }
    return out;
  }

  private static Taint taint(String key, String effect) {
    Taint t = new Taint();
    t.setKey(key);
    t.setEffect(effect);
    return t;
  }

  /** Whether this controller owns the taint (and so may remove it). */
  private static boolean managed(Taint t) {
    if (Taints.NO_EXECUTE.equals(t.getEffect())) {
      return Taints.NOT_READY.equals(t.getKey()) || Taints.UNREACHABLE.equals(t.getKey());
    }
    if (Taints.NO_SCHEDULE.equals(t.getEffect())) {
      return Taints.UNSCHEDULABLE.equals(t.getKey())
          || CONDITION_TAINTS.values().stream().anyMatch(m -> m.containsValue(t.getKey()));
    }
    return false;
  }

  private static String taintId(Taint t) {
    return t.getKey() + ":" + t.getEffect();
  }

  /**
   * Upstream's {@code doNoExecuteTaintingPass} and {@code doNoScheduleTaintingPass} ({@code
   * SwapNodeControllerTaint}): adds the missing taints with {@code timeAdded} now, removes the
   * managed ones nothing calls for, keeps every other taint as it is.
   */
  private Node reconcileTaints(Node node, Instant now) {
    Map<String, Taint> desired = new LinkedHashMap<>();
    for (Taint t : desiredTaints(node)) {
      desired.put(taintId(t), t);
    }
    List<Taint> current = Taints.taintsOf(node);
    List<Taint> next = new ArrayList<>();
    boolean changed = false;
    for (Taint t : current) {
      if (managed(t) && !desired.containsKey(taintId(t))) {
        changed = true;
        continue;
      }
      desired.remove(taintId(t));
      next.add(t);
    }
    for (Taint t : desired.values()) {
      t.setTimeAdded(Times.format(now));
      next.add(t);
      changed = true;
    }
    if (!changed) {
      return node;
    }
    Node copy = KubeObjects.deepCopy(node);
    if (copy.getSpec() == null) {
      copy.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    }
    copy.getSpec().setTaints(next.isEmpty() ? null : next);
    return nodes.update(copy);
  }

  /** Upstream's {@code MarkPodsNotReady}: the Ready condition of the node's pods turns False. */
  private void markPodsNotReady(String nodeName, Instant now) {
    RuntimeException first = null;
    for (Pod pod : podIndexer.byIndex(Taints.NODE_NAME_INDEX, nodeName)) {
      if (!nodeName.equals(pod.getSpec().getNodeName())) {
        continue;
      }
      Pod copy = KubeObjects.deepCopy(pod);
      if (copy.getStatus() == null || copy.getStatus().getConditions() == null) {
        continue;
      }
      boolean changed = false;
      for (PodCondition c : copy.getStatus().getConditions()) {
        if (READY.equals(c.getType()) && !"False".equals(c.getStatus())) {
          c.setStatus("False");
          c.setLastTransitionTime(Times.format(now));
          changed = true;
        }
      }
      if (!changed) {
        continue;
      }
      try {
        pods.updateStatus(copy);
        recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready");
      } catch (StatusError e) {
        if (e.code() != 404 && first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  static Optional<NodeCondition> condition(Node node, String type) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream()
        .filter(c -> Objects.equals(type, c.getType()))
        .findFirst();
  }

  static Optional<String> conditionStatus(Node node, String type) {
    return condition(node, type).map(NodeCondition::getStatus);
  }
}
