package io.skiff.node;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.transport.Transport;
import io.skiff.clock.ManualClock;
import io.skiff.store.memory.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A real registry behind the in-process transport, a manual clock shared by the registry and the
 * simulator, and the kubelets' events recorded: what the node tests drive.
 */
final class SimCluster implements AutoCloseable {

  /** One recorded kubelet event. */
  record Recorded(
      String host,
      String kind,
      String name,
      String fieldPath,
      String type,
      String reason,
      String message) {}

  final ManualClock clock = new ManualClock();
  final MemoryStore store = new MemoryStore();
  final KubeClient client;
  final Resources<Pod> pods;
  final Resources<Node> nodes;
  final Resources<Lease> leases;
  final List<Recorded> events = new CopyOnWriteArrayList<>();
  NodeSimulator sim;

  SimCluster() {
    this(UnaryOperator.identity());
  }

  /** A cluster whose simulator talks through {@code wrap} of the in-process transport. */
  SimCluster(UnaryOperator<Transport> wrap) {
    ObjectCodec codec = new ObjectCodec();
    Registry registry = new Registry(ResourceRegistry.builtin(), store, codec, clock);
    registry.bootstrap();
    client = KubeClient.over(wrap.apply(new InProcessTransport(registry)));
    pods = client.resources(Pod.class);
    nodes = client.resources(Node.class);
    leases = client.resources(Lease.class);
  }

  /** Options whose events land in {@link #events}. */
  NodeOptions options() {
    return NodeOptions.defaults().withEvents(this::recorder);
  }

  NodeSimulator start(NodeOptions options) throws InterruptedException {
    sim = NodeSimulator.start(client, clock, options);
    return sim;
  }

  private EventRecorder recorder(String host) {
    return new EventRecorder() {
      @Override
      public void event(HasMetadata involved, String type, String reason, String message) {
        event(involved, null, type, reason, message);
      }

      @Override
      public void event(
          HasMetadata involved, String fieldPath, String type, String reason, String message) {
        events.add(
            new Recorded(
                host,
                involved.getKind(),
                involved.getMetadata().getName(),
                fieldPath,
                type,
                reason,
                message));
      }
    };
  }

  /** Waits until the simulator has nothing queued or in hand, so that its timers are armed. */
  void settle() {
    // Held for a moment: a worker that just took a key is not yet counted as busy.
    await()
        .atMost(Duration.ofSeconds(10))
        .during(Duration.ofMillis(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> sim.idle());
  }

  /** Lets the simulator finish, then moves the clock on. */
  void advance(Duration step) {
    settle();
    clock.advance(step);
    settle();
  }

  /** Moves the clock on by {@code total} in steps of {@code step}, letting the simulator act. */
  void step(Duration total, Duration step) {
    for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
      advance(step);
    }
  }

  Pod pod(String name) {
    return pods.get("default", name).orElseThrow();
  }

  Optional<Pod> maybePod(String name) {
    return pods.get("default", name);
  }

  /** Waits (in real time, for the asynchronous writes) until {@code condition} holds. */
  static void eventually(Supplier<Boolean> condition) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(condition::get);
  }

  /** The messages of the events about {@code name} with {@code reason}, in order. */
  List<String> messages(String name, String reason) {
    return events.stream()
        .filter(e -> e.name().equals(name) && e.reason().equals(reason))
        .map(Recorded::message)
        .toList();
  }

  List<String> reasons(String name) {
    return events.stream().filter(e -> e.name().equals(name)).map(Recorded::reason).toList();
  }

  @Override
  public void close() {
    if (sim != null) {
      sim.close();
    }
    client.close();
    store.close();
  }
}
