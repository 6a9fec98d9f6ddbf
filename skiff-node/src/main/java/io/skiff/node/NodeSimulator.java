package io.skiff.node;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeObjects;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.client.workqueue.WorkQueue;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every simulated kubelet of the process, as one component: shared informers on Nodes and on bound
 * Pods, one work queue, a few writer threads, and per-node and per-pod state machines driven by
 * timers on the injected {@link Clock}. Any Node in the cluster is simulated, whether {@link
 * NodeOptions#nodes()} registered it or it was created through the API; deleting a Node stops its
 * kubelet.
 *
 * <pre>{@code
 * try (NodeSimulator nodes = NodeSimulator.start(client, clock, NodeOptions.defaults().withNodes(3))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Per node: a Lease in {@code kube-node-lease} renewed every 10s (a quarter of its 40s
 * duration), and the node status posted when it differs from what the kubelet would report and at
 * least every 5 minutes, with the nodes spread over those intervals. Per pod: what the kubelet
 * does, from ContainerCreating to Running and Ready, through image pulls, crashes and back-offs, to
 * the graceful stop and the removal of the pod object. Storage: every PersistentVolumeClaim is
 * bound at once to a volume provisioned for it ({@link VolumeBinder}). See {@code
 * docs/simulation.md}.
 */
public final class NodeSimulator implements AutoCloseable {

  private static final System.Logger log = System.getLogger(NodeSimulator.class.getName());

  static final String LEASE_NAMESPACE = "kube-node-lease";
  static final int LEASE_DURATION_SECONDS = 40;
  static final Duration RENEW_INTERVAL = Duration.ofSeconds(10);
  static final Duration STATUS_REPORT_INTERVAL = Duration.ofMinutes(5);
  private static final String BY_NODE = "nodeName";
  private static final int WRITE_ATTEMPTS = 5;
  private static final int REGISTRATION_CONCURRENCY = 64;

  private sealed interface Key permits PodKey, NodeKey, LeaseKey {}

  private record PodKey(String namespace, String name) implements Key {}

  private record NodeKey(String name) implements Key {}

  private record LeaseKey(String name) implements Key {}

  private final KubeClient client;
  private final Clock clock;
  private final NodeOptions options;
  private final Resources<Pod> pods;
  private final Resources<Node> nodes;
  private final Resources<Lease> leases;
  private final SharedInformer<Pod> podInformer;
  private final SharedInformer<Node> nodeInformer;
  private final WorkQueue<Key> queue;
  // Node status and leases have their own queue and worker, as a kubelet's status and lease loops
  // are their own goroutines: behind thousands of pod syncs a heartbeat would come too late, and
  // the node lifecycle controller would call a busy node dead.
  private final WorkQueue<Key> heartbeats;
  private final VolumeBinder volumeBinder;
  private final List<Thread> workers = new ArrayList<>(); // guarded by itself
  private int podWorkers; // guarded by workers
  private final Map<String, NodeAgent> agents = new ConcurrentHashMap<>();
  private final Map<String, PodRuntime> runtimes = new ConcurrentHashMap<>();
  private final Map<String, Pod> written = new ConcurrentHashMap<>();
  private final PodCidrs cidrs;
  private final AddressPool nodeAddresses = new AddressPool();
  private final String bootId = UUID.randomUUID().toString();
  private final AtomicInteger inHand = new AtomicInteger();
  private volatile boolean closed;

  private NodeSimulator(KubeClient client, Clock clock, NodeOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    this.pods = client.resources(Pod.class);
    this.nodes = client.resources(Node.class);
    this.leases = client.resources(Lease.class);
    this.cidrs = new PodCidrs(options.clusterCidr());
    this.podInformer =
        new SharedInformer<>(
            pods, null, ListOptions.fieldSelector("spec.nodeName!="), clock, Duration.ZERO);
    this.nodeInformer = new SharedInformer<>(nodes, clock, Duration.ZERO);
    this.queue = new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
    this.heartbeats = new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
    this.volumeBinder =
        new VolumeBinder(
            client,
            clock,
            options.events() != null
                ? options.events().apply(null)
                : EventRecorder.create(client, "persistentvolume-controller", null, clock));
  }

  /**
   * Starts simulating every Node of the cluster and registers {@link NodeOptions#nodes()} more
   * (named {@code namePrefix + i}) unless they exist; returns once they are registered.
   *
   * @throws InterruptedException if interrupted while waiting for the caches
   * @throws IllegalStateException if the caches do not fill within a minute
   */
  public static NodeSimulator start(KubeClient client, Clock clock, NodeOptions options)
      throws InterruptedException {
    NodeSimulator sim = new NodeSimulator(client, clock, options);
    try {
      sim.run();
    } catch (InterruptedException | RuntimeException e) {
      sim.close();
      throw e;
    }
    return sim;
  }

  private void run() throws InterruptedException {
    podInformer.addIndex(
        BY_NODE,
        p -> {
          String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
          return node == null || node.isEmpty() ? List.of() : List.of(node);
        });
    podInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            queue.add(podKey(pod));
          }

          @Override
          public void onUpdate(Pod oldPod, Pod newPod) {
            queue.add(podKey(newPod));
          }

          @Override
          public void onDelete(Pod pod) {
            queue.add(podKey(pod));
          }
        });
    nodeInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node node) {
            heartbeats.add(new NodeKey(node.getMetadata().getName()));
          }

          @Override
          public void onUpdate(Node oldNode, Node newNode) {
            heartbeats.add(new NodeKey(newNode.getMetadata().getName()));
          }

          @Override
          public void onDelete(Node node) {
            heartbeats.add(new NodeKey(node.getMetadata().getName()));
          }
        });
    nodeInformer.start();
    podInformer.start();
    volumeBinder.start();
    if (!waitForSync()) {
      throw new IllegalStateException(
          "the node, pod and volume caches did not fill within a minute");
    }
    // Ranges and addresses that nodes already have stay theirs.
    for (Node node : nodeInformer.indexer().list()) {
      String cidr = NodeShape.podCidr(node);
      if (cidr != null) {
        cidrs.claim(cidrs.indexOf(cidr));
      }
      String ip = NodeShape.internalIp(node);
      if (ip != null) {
        claimNodeAddress(ip);
      }
    }
    synchronized (workers) {
      workers.add(Thread.ofVirtual().name("skiff-node-heartbeat").start(() -> work(heartbeats)));
    }
    // Registering a node makes its agent, and with it its writer, beyond these.
    ensurePodWorkers(options.workers());
    registerAll();
  }

  /**
   * Registers the configured nodes, many at a time: on a durable store each create waits for its
   * commit, and concurrent creates share one (group commit).
   */
  private void registerAll() throws InterruptedException {
    Semaphore slots = new Semaphore(REGISTRATION_CONCURRENCY);
    List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 1; i <= options.nodes(); i++) {
        Node node = prepare(options.namePrefix() + i);
        if (node == null) {
          continue;
        }
        slots.acquire();
        pool.execute(
            () -> {
              try {
                register(node);
              } catch (RuntimeException e) {
                failures.add(e);
              } finally {
                slots.release();
              }
            });
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  private boolean waitForSync() throws InterruptedException {
    List<SharedInformer<?>> informers = new ArrayList<>(List.of(podInformer, nodeInformer));
    informers.addAll(volumeBinder.informers());
    return SharedInformer.waitForSync(clock, Duration.ofMinutes(1), informers);
  }

  /** How many nodes are simulated now. */
  public int simulatedNodes() {
    int n = 0;
    for (NodeAgent a : agents.values()) {
      if (a.registered) {
        n++;
      }
    }
    return n;
  }

  /** How many threads write pod statuses. */
  int podWorkers() {
    synchronized (workers) {
      return podWorkers;
    }
  }

  /** How many pods the simulated nodes are running (admitted and not finished). */
  public int simulatedPods() {
    return runtimes.size();
  }

  /**
   * Whether nothing is queued or being worked on now: every timer for what comes next is armed.
   * Lets tests and benchmarks on a manual clock know when to move time on.
   */
  boolean idle() {
    return queue.length() == 0
        && heartbeats.length() == 0
        && inHand.get() == 0
        && volumeBinder.idle();
  }

  /** Stops every simulated kubelet; the objects stay as they are. */
  @Override
  public void close() {
    closed = true;
    volumeBinder.close();
    queue.shutDown();
    heartbeats.shutDown();
    podInformer.stop();
    nodeInformer.stop();
    List<Thread> all;
    synchronized (workers) {
      all = List.copyOf(workers);
    }
    WorkLoop.stop(all);
  }

  // ---- the work loop ----

  private void work(WorkQueue<Key> from) {
    WorkLoop.run(from, this::sync, () -> closed, inHand, log);
  }

  private void sync(Key key) {
    switch (key) {
      case PodKey k -> syncPod(k);
      case NodeKey k -> syncNode(k.name());
      case LeaseKey k -> renewLease(k.name());
    }
  }

  private static PodKey podKey(Pod pod) {
    return new PodKey(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  private long nowMillis() {
    return clock.now().toEpochMilli();
  }

  // ---- nodes ----

  private NodeAgent agent(String name) {
    NodeAgent agent = agents.get(name);
    if (agent == null) {
      agent = agents.computeIfAbsent(name, n -> new NodeAgent(n, options, () -> recorderFor(n)));
      ensurePodWorkers(agents.size());
    }
    return agent;
  }

  /**
   * Starts pod workers until there are {@code count}. Each real kubelet writes its pods' statuses
   * itself, so a cluster of N nodes writes N at a time; a write waits for its commit, so fewer
   * writers than nodes would cap the pods a large cluster brings up per second (with 32 for 100
   * nodes, the 10,000-replica benchmark's create took half as long again).
   */
  private void ensurePodWorkers(int count) {
    synchronized (workers) {
      while (!closed && podWorkers < count) {
        workers.add(
            Thread.ofVirtual().name("skiff-node-worker-" + podWorkers++).start(() -> work(queue)));
      }
    }
  }

  private EventRecorder recorderFor(String node) {
    if (options.events() != null) {
      return options.events().apply(node);
    }
    return EventRecorder.create(client, "kubelet", node, clock);
  }

  /**
   * The node a kubelet registering as {@code name} creates, with its range and address taken now;
   * null when it exists already. Called in order, so that node i gets the i-th range.
   */
  private Node prepare(String name) {
    if (nodeInformer.lister().get(null, name).isPresent()) {
      return null;
    }
    Node node = new Node();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    node.setMetadata(meta);
    NodeShape.ensureMetadata(node);
    NodeAgent agent = agent(name);
    if (assignPodCidr(agent, node) == null) {
      log.log(System.Logger.Level.WARNING, "no pod CIDR left for node " + name);
    }
    String ip = assignNodeAddress(agent, node);
    node.setStatus(NodeShape.desiredStatus(node, options, ip, bootId, Ids.time(nowMillis())));
    return node;
  }

  /** Creates a prepared node, as a kubelet registers itself. */
  private void register(Node node) {
    String name = node.getMetadata().getName();
    NodeAgent agent = agent(name);
    try {
      Node created = nodes.create(node);
      agent.lastStatusReport = nowMillis() - jitter(name, STATUS_REPORT_INTERVAL);
      recordRegistration(created, List.of());
    } catch (StatusError e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }

  private void syncNode(String name) {
    Optional<Node> cached = nodeInformer.lister().get(null, name);
    if (cached.isEmpty()) {
      stopAgent(name);
      return;
    }
    Node node = cached.get();
    NodeAgent agent = agent(name);
    if (agent.uid != null && !agent.uid.equals(node.getMetadata().getUid())) {
      // Deleted and created again under the same name: a new kubelet.
      stopAgent(name);
      agent = agent(name);
    }
    agent.uid = node.getMetadata().getUid();
    Map<String, String> annotations = node.getMetadata().getAnnotations();
    boolean stopped =
        annotations != null && "stopped".equals(annotations.get(SimAnnotations.HEARTBEAT));
    if (stopped) {
      agent.heartbeatStopped = true;
      return;
    }
    boolean resumed = agent.heartbeatStopped;
    agent.heartbeatStopped = false;
    boolean adopting = !agent.registered;
    if (adopting) {
      node = adopt(agent, node);
    }
    long now = nowMillis();
    boolean reportDue =
        agent.lastStatusReport == PodRuntime.NONE
            || now - agent.lastStatusReport >= STATUS_REPORT_INTERVAL.toMillis();
    NodeStatus want =
        NodeShape.desiredStatus(node, options, agent.internalIp, bootId, Ids.time(now));
    if (reportDue || NodeShape.changed(want, node.getStatus())) {
      List<String> events =
          NodeShape.transitionEvents(
              node.getStatus() == null ? null : node.getStatus().getConditions());
      Node written;
      try {
        written = nodes.updateStatus(withStatus(node, want));
      } catch (StatusError e) {
        if (e.code() == 404) {
          return;
        }
        throw e;
      }
      boolean firstReport = agent.lastStatusReport == PodRuntime.NONE;
      agent.lastStatusReport = now;
      if (firstReport) {
        // Spreads the periodic reports of nodes that registered together over the interval.
        agent.lastStatusReport = now - jitter(name, STATUS_REPORT_INTERVAL);
      }
      if (adopting && !NodeShape.looksRegistered(node)) {
        recordRegistration(written, events);
      } else {
        for (String reason : events) {
          agent.recorder().event(written, "Normal", reason, statusIsNow(name, reason));
        }
      }
    }
    if (adopting || resumed) {
      agent.registered = true;
      heartbeats.add(new LeaseKey(name));
      for (Pod p : podInformer.indexer().byIndex(BY_NODE, name)) {
        queue.add(podKey(p));
      }
    }
    long nextReport = agent.lastStatusReport + STATUS_REPORT_INTERVAL.toMillis() - now;
    heartbeats.addAfter(new NodeKey(name), Duration.ofMillis(Math.max(1, nextReport)));
  }

  /** Gives a node found in the API what a kubelet adds to its own: labels, a pod range. */
  private Node adopt(NodeAgent agent, Node node) {
    Node next = KubeObjects.deepCopy(node);
    boolean changed = NodeShape.ensureMetadata(next);
    String cidr = NodeShape.podCidr(next);
    if (cidr == null) {
      changed |= assignPodCidr(agent, next) != null;
    } else {
      useRange(agent, cidr);
    }
    String ip = NodeShape.internalIp(next);
    if (ip == null) {
      assignNodeAddress(agent, next);
    } else {
      agent.internalIp = ip;
    }
    if (!changed) {
      return node;
    }
    return nodes.update(next);
  }

  private String assignPodCidr(NodeAgent agent, Node node) {
    int index = cidrs.allocate();
    if (index < 0) {
      return null;
    }
    String cidr = cidrs.rangeCidr(index);
    NodeShape.setPodCidr(node, cidr);
    agent.rangeIndex = index;
    agent.range = new PodCidrs.NodeRange(cidr);
    return cidr;
  }

  private void useRange(NodeAgent agent, String cidr) {
    if (agent.range != null && agent.range.cidr().equals(cidr)) {
      return;
    }
    int index = cidrs.indexOf(cidr);
    cidrs.claim(index);
    agent.rangeIndex = index;
    try {
      agent.range = new PodCidrs.NodeRange(cidr);
    } catch (IllegalArgumentException e) {
      log.log(
          System.Logger.Level.WARNING,
          "node " + agent.name + " has pod CIDR " + cidr + ", which is not a /24; no pod IPs");
    }
  }

  private String assignNodeAddress(NodeAgent agent, Node node) {
    String existing = NodeShape.internalIp(node);
    if (existing != null) {
      agent.internalIp = existing;
      return existing;
    }
    int ip = nodeAddresses.allocate();
    agent.internalIpPoolAddress = ip;
    agent.internalIp = ip == 0 ? null : PodCidrs.formatIp(ip);
    return agent.internalIp;
  }

  private void claimNodeAddress(String ip) {
    try {
      nodeAddresses.claim(PodCidrs.parseIp(ip));
    } catch (IllegalArgumentException e) {
      // Not an IPv4 address of the pool: nothing to keep free.
    }
  }

  private void recordRegistration(Node node, List<String> conditionEvents) {
    NodeAgent agent = agent(node.getMetadata().getName());
    EventRecorder r = agent.recorder();
    String name = node.getMetadata().getName();
    r.event(node, "Normal", "Starting", "Starting kubelet.");
    List<String> reasons =
        conditionEvents.isEmpty() ? NodeShape.transitionEvents(null) : conditionEvents;
    for (String reason : reasons) {
      r.event(node, "Normal", reason, statusIsNow(name, reason));
    }
    r.event(
        node, "Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
  }

  private static String statusIsNow(String node, String reason) {
    return "Node " + node + " status is now: " + reason;
  }

  private void stopAgent(String name) {
    NodeAgent agent = agents.remove(name);
    if (agent == null) {
      return;
    }
    agent.registered = false;
    cidrs.release(agent.rangeIndex);
    if (agent.internalIpPoolAddress != 0) {
      nodeAddresses.release(agent.internalIpPoolAddress);
    }
    for (String key : agent.pods) {
      runtimes.remove(key);
      written.remove(key);
    }
  }

  /** A fixed offset in [0, interval) per node, so that nodes do not all act in the same instant. */
  private static long jitter(String name, Duration interval) {
    return Math.floorMod(Ids.sha256Hex("jitter/" + name).hashCode(), interval.toMillis());
  }

  // ---- leases ----

  private void renewLease(String name) {
    NodeAgent agent = agents.get(name);
    if (agent == null || !agent.registered || agent.heartbeatStopped || closed) {
      return;
    }
    boolean first = agent.lease == null;
    ZonedDateTime now =
        ZonedDateTime.ofInstant(clock.now().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    for (int attempt = 0; ; attempt++) {
      try {
        Lease current = agent.lease;
        if (current == null) {
          current = leases.get(LEASE_NAMESPACE, name).orElse(null);
        }
        agent.lease =
            current == null
                ? leases.create(lease(agent, null, now))
                : leases.update(lease(agent, current, now));
        break;
      } catch (StatusError e) {
        agent.lease = null;
        if ((e.code() != 409 && e.code() != 404) || attempt >= 2) {
          throw e;
        }
      }
    }
    Duration next = RENEW_INTERVAL;
    if (first) {
      // The first renewal after registration is moved by a per-node offset, which then holds.
      next = Duration.ofMillis(RENEW_INTERVAL.toMillis() - jitter(name, RENEW_INTERVAL));
    }
    heartbeats.addAfter(new LeaseKey(name), next);
  }

  private static Lease lease(NodeAgent agent, Lease current, ZonedDateTime now) {
    Lease l;
    if (current == null) {
      l = new Lease();
      ObjectMeta meta = new ObjectMeta();
      meta.setName(agent.name);
      meta.setNamespace(LEASE_NAMESPACE);
      l.setMetadata(meta);
    } else {
      l = KubeObjects.deepCopy(current);
    }
    OwnerReference owner = new OwnerReference();
    owner.setApiVersion("v1");
    owner.setKind("Node");
    owner.setName(agent.name);
    owner.setUid(agent.uid);
    l.getMetadata().setOwnerReferences(List.of(owner));
    LeaseSpec spec = l.getSpec() == null ? new LeaseSpec() : l.getSpec();
    spec.setHolderIdentity(agent.name);
    spec.setLeaseDurationSeconds(LEASE_DURATION_SECONDS);
    spec.setRenewTime(now);
    l.setSpec(spec);
    return l;
  }

  // ---- pods ----

  private void syncPod(PodKey key) {
    String k = KubeObjects.key(key.namespace(), key.name());
    Pod pod = podInformer.lister().get(key.namespace(), key.name()).orElse(null);
    PodRuntime rt = runtimes.get(k);
    if (pod == null || (rt != null && !rt.uid.equals(pod.getMetadata().getUid()))) {
      if (rt != null) {
        forget(k, rt);
        rt = null;
      }
      if (pod == null) {
        return;
      }
    }
    String nodeName = pod.getSpec().getNodeName();
    NodeAgent agent = nodeName == null ? null : agents.get(nodeName);
    if (agent == null || !agent.registered) {
      if (rt != null) {
        forget(k, rt);
      }
      return;
    }
    if (agent.heartbeatStopped) {
      return;
    }
    pod = newest(k, pod);
    long now = nowMillis();
    if (rt == null) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        return;
      }
      rt = PodRuntime.recover(pod, agent, now);
      if (rt == null) {
        rt = PodRuntime.admit(pod, now);
      }
      runtimes.put(k, rt);
      agent.pods.add(k);
    }
    rt.advance(pod, now, agent);
    for (String problem : SimAnnotations.of(pod).problems()) {
      if (rt.firstReport(problem)) {
        agent.event(pod, null, "Warning", "InvalidSimAnnotation", problem);
      }
    }
    PodStatus status = KubeletStatus.of(pod, rt, now, agent.internalIp);
    boolean terminal = "Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase());
    if (!status.equals(pod.getStatus())) {
      pod = writeStatus(k, pod, status, rt, now, agent);
      if (pod == null) {
        forget(k, rt);
        return;
      }
    }
    if (rt.killed) {
      deletePod(pod);
      forget(k, rt);
      return;
    }
    if (terminal) {
      forget(k, rt);
      return;
    }
    long wake = rt.nextStatusChange(now);
    if (wake != PodRuntime.NONE) {
      // From the clock's time now, not the sync's start: a late sync wakes up at once.
      queue.addAfter(key, Duration.ofMillis(Math.max(0, wake - nowMillis())));
    }
  }

  /** The cached pod, or the one last written when the cache has not caught up with it yet. */
  private Pod newest(String key, Pod cached) {
    Pod mine = written.get(key);
    if (mine == null) {
      return cached;
    }
    if (Objects.equals(mine.getMetadata().getUid(), cached.getMetadata().getUid())
        && revision(mine) > revision(cached)) {
      return mine;
    }
    written.remove(key, mine);
    return cached;
  }

  private static long revision(Pod pod) {
    try {
      return Long.parseLong(pod.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return -1;
    }
  }

  /**
   * Writes {@code status}, re-reading and recomputing on conflicts; null when the pod is gone (or
   * is another pod of the same name now).
   */
  private Pod writeStatus(
      String key, Pod pod, PodStatus status, PodRuntime rt, long now, NodeAgent agent) {
    Pod current = pod;
    PodStatus want = status;
    for (int attempt = 0; ; attempt++) {
      try {
        Pod result = pods.updateStatus(withStatus(current, want));
        written.put(key, result);
        return result;
      } catch (StatusError e) {
        if (e.code() == 404) {
          return null;
        }
        if (e.code() != 409 || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
      }
      Optional<Pod> fresh =
          pods.get(current.getMetadata().getNamespace(), current.getMetadata().getName());
      if (fresh.isEmpty() || !rt.uid.equals(fresh.get().getMetadata().getUid())) {
        return null;
      }
      current = fresh.get();
      want = KubeletStatus.of(current, rt, now, agent.internalIp);
      if (want.equals(current.getStatus())) {
        return current;
      }
    }
  }

  private void deletePod(Pod pod) {
    DeleteOptions options = new DeleteOptions();
    options.setGracePeriodSeconds(0L);
    Preconditions pre = new Preconditions();
    pre.setUid(pod.getMetadata().getUid());
    options.setPreconditions(pre);
    try {
      pods.delete(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), options);
    } catch (StatusError e) {
      // Gone already, or replaced by a new pod of the same name: either way this one is done.
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
  }

  private void forget(String key, PodRuntime rt) {
    runtimes.remove(key, rt);
    written.remove(key);
    NodeAgent agent = agents.get(rt.nodeName);
    if (agent != null && agent.pods.remove(key)) {
      rt.releaseSandbox(agent);
    }
  }

  /**
   * {@code pod} with another status and no spec, sharing the metadata: the client copies what it
   * keeps and never changes what it is given, and the metadata is not changed here either. The
   * status endpoint takes the spec from the stored pod, so sending one is waste (copying it was a
   * sixth of a status write in process).
   */
  private static Pod withStatus(Pod pod, PodStatus status) {
    Pod next = new Pod();
    next.setApiVersion(pod.getApiVersion());
    next.setKind(pod.getKind());
    next.setMetadata(pod.getMetadata());
    next.setStatus(status);
    return next;
  }

  private static Node withStatus(Node node, NodeStatus status) {
    Node next = new Node();
    next.setApiVersion(node.getApiVersion());
    next.setKind(node.getKind());
    next.setMetadata(node.getMetadata());
    next.setSpec(node.getSpec());
    next.setStatus(status);
    return next;
  }
}
