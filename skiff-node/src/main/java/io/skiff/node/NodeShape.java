package io.skiff.node;

import io.fabric8.kubernetes.api.model.DaemonEndpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeDaemonEndpoints;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a registered kubelet makes of its Node object: the default labels and annotations, the pod
 * CIDR, and the status (capacity, allocatable, conditions, addresses, nodeInfo, daemon endpoints),
 * with upstream's condition reasons and messages.
 */
final class NodeShape {

  static final String MEMORY_PRESSURE = "MemoryPressure";
  static final String DISK_PRESSURE = "DiskPressure";
  static final String PID_PRESSURE = "PIDPressure";
  static final String READY = "Ready";

  /** The conditions the kubelet sets, in the order it appends them. */
  static final List<String> KUBELET_CONDITIONS =
      List.of(MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE, READY);

  /** The hard eviction threshold the kubelet takes off allocatable memory (memory.available). */
  private static final BigInteger EVICTION_MEMORY = BigInteger.valueOf(100L * 1024 * 1024);

  private NodeShape() {}

  /**
   * Adds the kubelet's default labels and annotations that are missing; returns whether any was.
   */
  static boolean ensureMetadata(Node node) {
    ObjectMeta meta = node.getMetadata();
    Map<String, String> labels =
        meta.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(meta.getLabels());
    Map<String, String> annotations =
        meta.getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(meta.getAnnotations());
    boolean changed = false;
    changed |= labels.putIfAbsent("beta.kubernetes.io/arch", "amd64") == null;
    changed |= labels.putIfAbsent("beta.kubernetes.io/os", "linux") == null;
    changed |= labels.putIfAbsent("kubernetes.io/arch", "amd64") == null;
    changed |= labels.putIfAbsent("kubernetes.io/hostname", meta.getName()) == null;
    changed |= labels.putIfAbsent("kubernetes.io/os", "linux") == null;
    changed |= annotations.putIfAbsent("node.alpha.kubernetes.io/ttl", "0") == null;
    changed |=
        annotations.putIfAbsent("volumes.kubernetes.io/controller-managed-attach-detach", "true")
            == null;
    meta.setLabels(labels);
    meta.setAnnotations(annotations);
    return changed;
  }

  /** The node's pod CIDR, or null. */
  static String podCidr(Node node) {
    NodeSpec spec = node.getSpec();
    if (spec == null) {
      return null;
    }
    if (spec.getPodCIDR() != null && !spec.getPodCIDR().isEmpty()) {
      return spec.getPodCIDR();
    }
    List<String> cidrs = spec.getPodCIDRs();
    return cidrs == null || cidrs.isEmpty() ? null : cidrs.get(0);
  }

  static void setPodCidr(Node node, String cidr) {
    if (node.getSpec() == null) {
      node.setSpec(new NodeSpec());
    }
    node.getSpec().setPodCIDR(cidr);
    node.getSpec().setPodCIDRs(List.of(cidr));
  }

  /** The node's InternalIP, or null. */
  static String internalIp(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return null;
    }
    for (NodeAddress a : node.getStatus().getAddresses()) {
      if ("InternalIP".equals(a.getType())) {
        return a.getAddress();
      }
    }
    return null;
  }

  /** Whether the node looks like one a kubelet has registered (a Skiff restart finds these). */
  static boolean looksRegistered(Node node) {
    NodeStatus s = node.getStatus();
    return s != null
        && s.getNodeInfo() != null
        && s.getNodeInfo().getKubeletVersion() != null
        && !s.getNodeInfo().getKubeletVersion().isEmpty()
        && condition(s.getConditions(), READY) != null
        && internalIp(node) != null
        && podCidr(node) != null;
  }

  /**
   * The status the kubelet would post now: what the node has kept, with the parts a kubelet fills
   * in filled and its four conditions as they are on a healthy node. Conditions keep their
   * transition time while their status holds.
   */
  static NodeStatus desiredStatus(
      Node node, NodeOptions options, String internalIp, String bootId, String now) {
    NodeStatus old = node.getStatus() == null ? new NodeStatus() : node.getStatus();
    NodeStatus s = new NodeStatusBuilder(old).build();
    if (s.getCapacity() == null || s.getCapacity().isEmpty()) {
      s.setCapacity(capacity(options));
    }
    if (s.getAllocatable() == null || s.getAllocatable().isEmpty()) {
      s.setAllocatable(allocatable(s.getCapacity()));
    }
    if (internalIp(node) == null && internalIp != null) {
      List<NodeAddress> addresses = new ArrayList<>();
      addresses.add(new NodeAddress(internalIp, "InternalIP"));
      addresses.add(new NodeAddress(node.getMetadata().getName(), "Hostname"));
      if (s.getAddresses() != null) {
        addresses.addAll(s.getAddresses());
      }
      s.setAddresses(addresses);
    }
    if (s.getDaemonEndpoints() == null || s.getDaemonEndpoints().getKubeletEndpoint() == null) {
      s.setDaemonEndpoints(new NodeDaemonEndpoints(new DaemonEndpoint(10250)));
    }
    s.setNodeInfo(nodeInfo(s.getNodeInfo(), options, node.getMetadata().getName(), bootId));
    List<NodeCondition> conditions =
        s.getConditions() == null ? new ArrayList<>() : new ArrayList<>(s.getConditions());
    for (String type : KUBELET_CONDITIONS) {
      NodeCondition want = healthy(type);
      NodeCondition before = condition(old.getConditions(), type);
      want.setLastHeartbeatTime(now);
      want.setLastTransitionTime(
          before != null && Objects.equals(before.getStatus(), want.getStatus())
              ? before.getLastTransitionTime()
              : now);
      int at = indexOf(conditions, type);
      if (at >= 0) {
        conditions.set(at, want);
      } else {
        conditions.add(want);
      }
    }
    s.setConditions(conditions);
    return s;
  }

  /** Whether {@code a} and {@code b} differ in more than the conditions' heartbeat times. */
  static boolean changed(NodeStatus a, NodeStatus b) {
    NodeStatus x = new NodeStatusBuilder(a).build();
    NodeStatus y = new NodeStatusBuilder(b).build();
    for (NodeStatus s : List.of(x, y)) {
      if (s.getConditions() != null) {
        for (NodeCondition c : s.getConditions()) {
          c.setLastHeartbeatTime(null);
        }
      }
    }
    return !Objects.equals(x, y);
  }

  /** The condition a healthy kubelet reports, with upstream's reason and message. */
  static NodeCondition healthy(String type) {
    NodeCondition c = new NodeCondition();
    c.setType(type);
    switch (type) {
      case MEMORY_PRESSURE -> {
        c.setStatus("False");
        c.setReason("KubeletHasSufficientMemory");
        c.setMessage("kubelet has sufficient memory available");
      }
      case DISK_PRESSURE -> {
        c.setStatus("False");
        c.setReason("KubeletHasNoDiskPressure");
        c.setMessage("kubelet has no disk pressure");
      }
      case PID_PRESSURE -> {
        c.setStatus("False");
        c.setReason("KubeletHasSufficientPID");
        c.setMessage("kubelet has sufficient PID available");
      }
      case READY -> {
        c.setStatus("True");
        c.setReason("KubeletReady");
        c.setMessage("kubelet is posting ready status");
      }
      default -> throw new IllegalArgumentException("not a kubelet condition: " + type);
    }
    return c;
  }

  /**
   * The events the kubelet records when its conditions go from {@code before} to healthy: {@code
   * NodeHasSufficientMemory} and the like whenever a pressure condition was not False, {@code
   * NodeReady} when Ready was there and not True.
   */
  static List<String> transitionEvents(List<NodeCondition> before) {
    List<String> reasons = new ArrayList<>();
    NodeCondition memory = condition(before, MEMORY_PRESSURE);
    if (memory == null || !"False".equals(memory.getStatus())) {
      reasons.add("NodeHasSufficientMemory");
    }
    NodeCondition disk = condition(before, DISK_PRESSURE);
    if (disk == null || !"False".equals(disk.getStatus())) {
      reasons.add("NodeHasNoDiskPressure");
    }
    NodeCondition pid = condition(before, PID_PRESSURE);
    if (pid == null || !"False".equals(pid.getStatus())) {
      reasons.add("NodeHasSufficientPID");
    }
    NodeCondition ready = condition(before, READY);
    if (ready != null && !"True".equals(ready.getStatus())) {
      reasons.add("NodeReady");
    }
    return reasons;
  }

  static NodeCondition condition(List<NodeCondition> conditions, String type) {
    int at = indexOf(conditions, type);
    return at < 0 ? null : conditions.get(at);
  }

  private static int indexOf(List<NodeCondition> conditions, String type) {
    if (conditions == null) {
      return -1;
    }
    for (int i = 0; i < conditions.size(); i++) {
      if (type.equals(conditions.get(i).getType())) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Quantity> capacity(NodeOptions options) {
    Map<String, Quantity> c = new LinkedHashMap<>();
    c.put("cpu", new Quantity(options.cpu()));
    c.put("ephemeral-storage", kibibytes(bytes(options.ephemeralStorage())));
    c.put("hugepages-1Gi", new Quantity("0"));
    c.put("hugepages-2Mi", new Quantity("0"));
    c.put("memory", kibibytes(bytes(options.memory())));
    c.put("pods", new Quantity(String.valueOf(options.maxPods())));
    return c;
  }

  private static Map<String, Quantity> allocatable(Map<String, Quantity> capacity) {
    Map<String, Quantity> a = new LinkedHashMap<>(capacity);
    Quantity memory = capacity.get("memory");
    if (memory != null) {
      BigInteger left = bytes(memory.toString()).subtract(EVICTION_MEMORY).max(BigInteger.ZERO);
      a.put("memory", kibibytes(left));
    }
    return a;
  }

  private static BigInteger bytes(String quantity) {
    BigDecimal amount = Quantity.getAmountInBytes(new Quantity(quantity));
    return amount.toBigInteger();
  }

  /** Memory as the kubelet reports it, in Ki (cAdvisor's bytes, rounded down). */
  private static Quantity kibibytes(BigInteger bytes) {
    return new Quantity(bytes.divide(BigInteger.valueOf(1024)) + "Ki");
  }

  private static NodeSystemInfo nodeInfo(
      NodeSystemInfo old, NodeOptions options, String name, String bootId) {
    NodeSystemInfo i = old == null ? new NodeSystemInfo() : old;
    if (empty(i.getArchitecture())) {
      i.setArchitecture("amd64");
    }
    if (empty(i.getOperatingSystem())) {
      i.setOperatingSystem("linux");
    }
    if (empty(i.getOsImage())) {
      i.setOsImage("Debian GNU/Linux 12 (bookworm)");
    }
    if (empty(i.getKernelVersion())) {
      i.setKernelVersion("6.8.0-skiff");
    }
    if (empty(i.getContainerRuntimeVersion())) {
      i.setContainerRuntimeVersion("containerd://1.7.24");
    }
    if (empty(i.getKubeletVersion())) {
      i.setKubeletVersion(options.kubeletVersion());
    }
    if (empty(i.getMachineID())) {
      i.setMachineID(Ids.sha256Hex("machine/" + name).substring(0, 32));
    }
    if (empty(i.getSystemUUID())) {
      i.setSystemUUID(uuid(Ids.sha256Hex("system/" + name)));
    }
    if (empty(i.getBootID())) {
      i.setBootID(uuid(Ids.sha256Hex("boot/" + name + "/" + bootId)));
    }
    return i;
  }

  private static String uuid(String hex) {
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
