package io.skiff.node;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.client.events.EventRecorder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One simulated node's kubelet state: its pod range, the images it holds, its lease, whether it is
 * heartbeating. Shared by the work queue's workers: pod syncs of different pods of the node run at
 * once, so what they share is thread-safe; node and lease syncs of one node run one at a time.
 */
final class NodeAgent implements Kubelet {

  final String name;
  private final NodeOptions options;
  private final Supplier<EventRecorder> recorderFactory;
  private volatile EventRecorder recorder;

  /** Set once the node object carries what a registered kubelet gives it. */
  volatile boolean registered;

  /** {@code sim.skiff.io/heartbeat=stopped}: no lease, no status, pods frozen. */
  volatile boolean heartbeatStopped;

  volatile String uid;
  volatile PodCidrs.NodeRange range;
  volatile int rangeIndex = -1;
  volatile String internalIp;
  volatile int internalIpPoolAddress;

  /** The keys ({@code namespace/name}) of the pods this node runs. */
  final Set<String> pods = ConcurrentHashMap.newKeySet();

  private final Set<String> images = ConcurrentHashMap.newKeySet();

  // Touched only by the syncs of this node's lease and status, which the queue serializes per key.
  Lease lease;
  long lastStatusReport = PodRuntime.NONE;

  NodeAgent(String name, NodeOptions options, Supplier<EventRecorder> recorderFactory) {
    this.name = name;
    this.options = options;
    this.recorderFactory = recorderFactory;
  }

  EventRecorder recorder() {
    EventRecorder r = recorder;
    if (r == null) {
      synchronized (this) {
        r = recorder;
        if (r == null) {
          r = recorderFactory.get();
          recorder = r;
        }
      }
    }
    return r;
  }

  @Override
  public NodeOptions options() {
    return options;
  }

  @Override
  public ImageCatalog catalog() {
    return options.imageCatalog();
  }

  @Override
  public boolean hasImage(String normalized) {
    return images.contains(normalized);
  }

  @Override
  public void imagePulled(String normalized) {
    images.add(normalized);
  }

  @Override
  public int allocateIp() {
    PodCidrs.NodeRange r = range;
    return r == null ? -1 : r.allocate();
  }

  @Override
  public boolean claimIp(int ip) {
    PodCidrs.NodeRange r = range;
    return r != null && r.claim(ip);
  }

  @Override
  public void releaseIp(int ip) {
    PodCidrs.NodeRange r = range;
    if (r != null) {
      r.release(ip);
    }
  }

  @Override
  public String ipUnavailableMessage() {
    PodCidrs.NodeRange r = range;
    return r == null ? "node " + name + " has no pod CIDR" : r.exhaustedMessage();
  }

  @Override
  public void event(Pod pod, String fieldPath, String type, String reason, String message) {
    if (fieldPath == null) {
      recorder().event(pod, type, reason, message);
    } else {
      recorder().event(pod, fieldPath, type, reason, message);
    }
  }
}
