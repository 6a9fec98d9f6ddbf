package io.skiff.controllers.podgc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.skiff.api.errors.StatusError;
import io.skiff.api.patch.PatchType;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.KubeClient;
import io.skiff.client.informer.Lister;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.Controller;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Pod garbage collection (upstream's {@code pkg/controller/podgc}), every {@value
 * #CHECK_PERIOD_SECONDS} seconds on the clock. It force-deletes (grace period 0), after marking
 * them {@code Failed} unless they already finished:
 *
 * <ul>
 *   <li>pods bound to a node that does not exist: a node missing from the cache is quarantined for
 *       {@value #QUARANTINE_SECONDS} seconds, then looked up at the API server; if it is still
 *       missing its pods get the {@code DisruptionTarget} condition ({@code DeletionByPodGC}) and
 *       go;
 *   <li>terminated pods ({@code Succeeded}, {@code Failed}) beyond the threshold (12500 by
 *       default), evicted ones first, then the oldest;
 *   <li>terminating pods on a node that is not ready and carries the {@code
 *       node.kubernetes.io/out-of-service} taint;
 *   <li>terminating pods that were never scheduled.
 * </ul>
 */
public final class PodGcController implements Controller {

  public static final String NAME = "podgc";

  /** kube-controller-manager's {@code --terminated-pod-gc-threshold} default. */
  public static final int DEFAULT_TERMINATED_POD_THRESHOLD = 12500;

  static final long CHECK_PERIOD_SECONDS = 20;
  static final long QUARANTINE_SECONDS = 40;

  static final String OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";

  private static final System.Logger log = System.getLogger(PodGcController.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubeClient client;
  private final Clock clock;
  private final Supplier<List<Pod>> pods;
  private final Supplier<List<Node>> nodes;
  private final int terminatedPodThreshold;
  private final WorkQueue<String> nodeQueue;
  private final ReentrantLock passing = new ReentrantLock();
  private Clock.Timer timer;
  private boolean stopped;

  public PodGcController(ControllerContext ctx) {
    this(ctx, DEFAULT_TERMINATED_POD_THRESHOLD);
  }

  /**
   * @param terminatedPodThreshold terminated pods kept; 0 keeps them all
   */
  public PodGcController(ControllerContext ctx, int terminatedPodThreshold) {
    this(
        ctx.client(),
        ctx.clock(),
        all(ctx.informers().lister(Pod.class)),
        all(ctx.informers().lister(Node.class)),
        terminatedPodThreshold);
  }

  /** A collector reading pods and nodes from {@code pods} and {@code nodes}; for tests. */
  PodGcController(
      KubeClient client,
      Clock clock,
      Supplier<List<Pod>> pods,
      Supplier<List<Node>> nodes,
      int terminatedPodThreshold) {
    this.client = client;
    this.clock = clock;
    this.pods = pods;
    this.nodes = nodes;
    this.terminatedPodThreshold = terminatedPodThreshold;
    // Only its delays are used (upstream's delaying queue); nothing is ever rate limited.
    this.nodeQueue = new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Supplier<List<T>> all(
      Lister<T> lister) {
    return () -> lister.list(null, LabelSelector.everything());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized void run(int workers) {
    arm(Duration.ZERO);
  }

  private synchronized void arm(Duration delay) {
    if (!stopped) {
      // The timer only starts the pass: clock tasks must stay short.
      timer = clock.schedule(delay, () -> Thread.ofVirtual().name("skiff-podgc").start(this::tick));
    }
  }

  private void tick() {
    try {
      gc();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "pod garbage collection failed", e);
    } finally {
      arm(Duration.ofSeconds(CHECK_PERIOD_SECONDS));
    }
  }

  @Override
  public void shutDown() {
    synchronized (this) {
      stopped = true;
      if (timer != null) {
        timer.cancel();
      }
    }
    nodeQueue.shutDown();
    // Waits for a pass under way.
    passing.lock();
    passing.unlock();
  }

  /** One pass over every pod. */
  void gc() {
    passing.lock();
    try {
      List<Pod> allPods = pods.get();
      List<Node> allNodes = nodes.get();
      if (terminatedPodThreshold > 0) {
        gcTerminated(allPods);
      }
      gcTerminating(allPods, allNodes);
      gcOrphaned(allPods, allNodes);
      gcUnscheduledTerminating(allPods);
    } finally {
      passing.unlock();
    }
  }

  private void gcTerminated(List<Pod> allPods) {
    List<Pod> terminated = new ArrayList<>();
    for (Pod pod : allPods) {
      String phase = phase(pod);
      if (!"Pending".equals(phase) && !"Running".equals(phase) && !"Unknown".equals(phase)) {
        terminated.add(pod);
      }
    }
    int deleteCount = terminated.size() - terminatedPodThreshold;
    if (deleteCount <= 0) {
      return;
    }
    log.log(System.Logger.Level.INFO, "garbage collecting {0} pods", deleteCount);
    terminated.sort(BY_EVICTION_AND_CREATION);
    for (Pod pod : terminated.subList(0, deleteCount)) {
      markFailedAndDelete(pod, null);
    }
  }

  private void gcTerminating(List<Pod> allPods, List<Node> allNodes) {
    Map<String, Node> byName = byName(allNodes);
    List<Pod> terminating = new ArrayList<>();
    for (Pod pod : allPods) {
      if (!terminating(pod)) {
        continue;
      }
      Node node = byName.get(nodeName(pod));
      if (node == null) {
        continue;
      }
      if (!isReady(node) && hasTaint(node, OUT_OF_SERVICE_TAINT)) {
        terminating.add(pod);
      }
    }
    terminating.sort(BY_EVICTION_AND_CREATION);
    for (Pod pod : terminating) {
      markFailedAndDelete(pod, null);
    }
  }

  private void gcOrphaned(List<Pod> allPods, List<Node> allNodes) {
    Set<String> existing = byName(allNodes).keySet();
    for (Pod pod : allPods) {
      String node = nodeName(pod);
      if (!node.isEmpty() && !existing.contains(node)) {
        nodeQueue.addAfter(node, Duration.ofSeconds(QUARANTINE_SECONDS));
      }
    }
    Set<String> deleted = discoverDeletedNodes(existing);
    for (Pod pod : allPods) {
      if (!deleted.contains(nodeName(pod))) {
        continue;
      }
      PodCondition condition = new PodCondition();
      condition.setType("DisruptionTarget");
      condition.setStatus("True");
      condition.setReason("DeletionByPodGC");
      condition.setMessage("PodGC: node no longer exists");
      markFailedAndDelete(pod, condition);
    }
  }

  /** The quarantined nodes that are due and that the API server confirms are gone. */
  private Set<String> discoverDeletedNodes(Set<String> existing) {
    Set<String> deleted = new HashSet<>();
    while (nodeQueue.length() > 0) {
      Optional<String> next;
      try {
        next = nodeQueue.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return deleted;
      }
      if (next.isEmpty()) {
        return deleted;
      }
      String node = next.get();
      try {
        if (!existing.contains(node) && client.resources(Node.class).get(null, node).isEmpty()) {
          deleted.add(node);
        }
      } catch (StatusError e) {
        // The node is quarantined again on the next pass if its pods still name it.
        log.log(
            System.Logger.Level.INFO, "error while getting node {0}: {1}", node, e.getMessage());
      } finally {
        nodeQueue.done(node);
      }
    }
    return deleted;
  }

  private void gcUnscheduledTerminating(List<Pod> allPods) {
    for (Pod pod : allPods) {
      if (terminating(pod) && nodeName(pod).isEmpty()) {
        markFailedAndDelete(pod, null);
      }
    }
  }

  /**
   * Moves the pod to {@code Failed} (with {@code condition}) unless it has finished, through a
   * status patch bound to its uid, then deletes it with grace period 0: no kubelet may be there to
   * finish it.
   */
  private void markFailedAndDelete(Pod pod, PodCondition condition) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    log.log(System.Logger.Level.INFO, "PodGC is force deleting Pod {0}/{1}", namespace, name);
    try {
      String phase = phase(pod);
      if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
        client
            .resources(Pod.class)
            .patchStatus(
                namespace, name, PatchType.STRATEGIC_MERGE_PATCH, failedPatch(pod, condition));
      }
      client
          .resources(Pod.class)
          .delete(namespace, name, new DeleteOptionsBuilder().withGracePeriodSeconds(0L).build());
    } catch (StatusError e) {
      if (e.code() != 404) {
        log.log(
            System.Logger.Level.INFO,
            "force deletion of pod {0}/{1} failed: {2}",
            namespace,
            name,
            e.getMessage());
      }
    }
  }

  /**
   * {@code {"metadata":{"uid":…},"status":{"phase":"Failed","conditions":[…]}}}; a condition
   * already there with the same status keeps its transition time.
   */
  private String failedPatch(Pod pod, PodCondition condition) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("metadata").put("uid", pod.getMetadata().getUid());
    ObjectNode status = root.putObject("status");
    status.put("phase", "Failed");
    if (condition != null) {
      String transition = Times.format(clock.now());
      if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
        for (PodCondition c : pod.getStatus().getConditions()) {
          if (condition.getType().equals(c.getType())
              && condition.getStatus().equals(c.getStatus())
              && c.getLastTransitionTime() != null) {
            transition = c.getLastTransitionTime();
          }
        }
      }
      ObjectNode c = status.putArray("conditions").addObject();
      c.put("type", condition.getType());
      c.put("status", condition.getStatus());
      c.put("lastTransitionTime", transition);
      c.put("reason", condition.getReason());
      c.put("message", condition.getMessage());
    }
    return root.toString();
  }

  /** Evicted pods first (they were not the workload's own end), then oldest, then by name. */
  static final Comparator<Pod> BY_EVICTION_AND_CREATION =
      Comparator.comparing((Pod p) -> !evicted(p))
          .thenComparing(
              p -> {
                Instant t = Times.parse(p.getMetadata().getCreationTimestamp());
                return t == null ? Instant.EPOCH : t;
              })
          .thenComparing(p -> p.getMetadata().getName());

  private static boolean evicted(Pod pod) {
    return pod.getStatus() != null
        && "Failed".equals(pod.getStatus().getPhase())
        && "Evicted".equals(pod.getStatus().getReason());
  }

  private static boolean terminating(Pod pod) {
    String ts = pod.getMetadata().getDeletionTimestamp();
    return ts != null && !ts.isEmpty();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? ""
        : pod.getStatus().getPhase();
  }

  private static String nodeName(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null
        ? ""
        : pod.getSpec().getNodeName();
  }

  private static Map<String, Node> byName(List<Node> allNodes) {
    Map<String, Node> m = new HashMap<>();
    for (Node n : allNodes) {
      m.put(n.getMetadata().getName(), n);
    }
    return m;
  }

  private static boolean isReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static boolean hasTaint(Node node, String key) {
    if (node.getSpec() == null || node.getSpec().getTaints() == null) {
      return false;
    }
    for (Taint t : node.getSpec().getTaints()) {
      if (key.equals(t.getKey())) {
        return true;
      }
    }
    return false;
  }
}
