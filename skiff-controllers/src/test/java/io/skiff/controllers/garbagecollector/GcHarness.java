package io.skiff.controllers.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.client.ListOptions;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.controllers.testcluster.TestCluster;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A garbage collector over a {@link TestCluster}, driven on the test's thread: {@link #observe()}
 * plays the informers (it lists every monitored kind and hands the collector what changed since the
 * last look), {@link #settle()} alternates observing and working the queues until nothing is left
 * to do.
 */
final class GcHarness implements AutoCloseable {

  final TestCluster cluster = new TestCluster();
  final GarbageCollector gc =
      new GarbageCollector(cluster.client, ResourceRegistry.builtin(), cluster.clock);
  private final Map<ResourceType, ResourceEventHandler<HasMetadata>> handlers =
      new LinkedHashMap<>();
  private final Map<ResourceType, Map<String, HasMetadata>> seen = new HashMap<>();

  GcHarness() {
    for (ResourceType t : GarbageCollector.monitoredTypes(ResourceRegistry.builtin())) {
      handlers.put(t, gc.eventsOf(t));
      seen.put(t, new HashMap<>());
    }
  }

  /**
   * Hands the collector's graph every change since the last call, as informers would, and applies
   * them.
   *
   * @return whether anything changed
   */
  boolean observe() {
    boolean changed = false;
    for (var e : handlers.entrySet()) {
      ResourceType type = e.getKey();
      Map<String, HasMetadata> before = seen.get(type);
      Map<String, HasMetadata> now = new HashMap<>();
      for (HasMetadata obj :
          cluster.client.resources(type.type()).list(null, ListOptions.all()).items()) {
        now.put(obj.getMetadata().getUid(), obj);
      }
      for (HasMetadata obj : now.values()) {
        HasMetadata old = before.get(obj.getMetadata().getUid());
        if (old == null) {
          e.getValue().onAdd(obj);
          changed = true;
        } else if (!old.getMetadata()
            .getResourceVersion()
            .equals(obj.getMetadata().getResourceVersion())) {
          e.getValue().onUpdate(old, obj);
          changed = true;
        }
      }
      for (HasMetadata old : before.values()) {
        if (!now.containsKey(old.getMetadata().getUid())) {
          e.getValue().onDelete(old);
          changed = true;
        }
      }
      seen.put(type, now);
    }
    gc.graph().processPending();
    return changed;
  }

  /** Works the queues, observing after every item, until no item is ready and nothing changes. */
  void settle() {
    for (int round = 0; round < 1000; round++) {
      boolean worked = observe();
      while (gc.attemptToDeleteQueue().length() > 0) {
        step(gc::processAttemptToDelete);
        observe();
        worked = true;
      }
      while (gc.attemptToOrphanQueue().length() > 0) {
        step(gc::processAttemptToOrphan);
        observe();
        worked = true;
      }
      if (!worked) {
        return;
      }
    }
    throw new AssertionError("the garbage collector did not settle");
  }

  private interface Step {
    boolean run() throws InterruptedException;
  }

  private static void step(Step s) {
    try {
      assertThat(s.run()).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The node of {@code obj}, which must be in the graph. */
  Node node(HasMetadata obj) {
    return gc.graph()
        .node(obj.getMetadata().getUid())
        .orElseThrow(() -> new AssertionError(obj.getMetadata().getName() + " not in the graph"));
  }

  List<io.skiff.controllers.testcluster.Action> actions() {
    return cluster.actions();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
