package io.skiff.scheduler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders of the nodes and pods the scheduler tests use. */
public final class Fixtures {

  private Fixtures() {}

  /** A node builder: {@code node("n1").cpu("4").memory("8Gi").pods(110).build()}. */
  public static NodeSpec node(String name) {
    return new NodeSpec(name);
  }

  /** A pod builder: {@code pod("p").cpu("100m").build()}. */
  public static PodSpec pod(String name) {
    return new PodSpec(name);
  }

  public static Taint taint(String key, String value, String effect) {
    return new Taint(effect, key, null, value);
  }

  /** A toleration; null for fields left out. */
  public static Toleration toleration(String key, String operator, String value, String effect) {
    return new Toleration(effect, key, operator, null, value);
  }

  public static NodeSelectorRequirement req(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }

  public static NodeSelectorTerm term(NodeSelectorRequirement... expressions) {
    return new NodeSelectorTerm(List.of(expressions), List.of());
  }

  public static NodeSelectorTerm fieldTerm(NodeSelectorRequirement... fields) {
    return new NodeSelectorTerm(List.of(), List.of(fields));
  }

  public static final class NodeSpec {
    private final String name;
    private final Map<String, Quantity> allocatable = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Taint> taints = new ArrayList<>();
    private boolean unschedulable;

    NodeSpec(String name) {
      this.name = name;
      allocatable.put("cpu", new Quantity("4"));
      allocatable.put("memory", new Quantity("8Gi"));
      allocatable.put("pods", new Quantity("110"));
    }

    public NodeSpec cpu(String q) {
      allocatable.put("cpu", new Quantity(q));
      return this;
    }

    public NodeSpec memory(String q) {
      allocatable.put("memory", new Quantity(q));
      return this;
    }

    public NodeSpec pods(int n) {
      allocatable.put("pods", new Quantity(String.valueOf(n)));
      return this;
    }

    public NodeSpec allocatable(String name, String q) {
      allocatable.put(name, new Quantity(q));
      return this;
    }

    public NodeSpec noAllocatable(String name) {
      allocatable.remove(name);
      return this;
    }

    public NodeSpec label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public NodeSpec taint(String key, String value, String effect) {
      taints.add(Fixtures.taint(key, value, effect));
      return this;
    }

    public NodeSpec unschedulable() {
      unschedulable = true;
      return this;
    }

    public Node build() {
      return new NodeBuilder()
          .withNewMetadata()
          .withName(name)
          .withLabels(labels)
          .endMetadata()
          .withNewSpec()
          .withTaints(taints)
          .withUnschedulable(unschedulable ? true : null)
          .endSpec()
          .withNewStatus()
          .withAllocatable(allocatable)
          .withCapacity(allocatable)
          .endStatus()
          .build();
    }
  }

  public static final class PodSpec {
    private final String name;
    private String namespace = "default";
    private String uid;
    private final List<Container> containers = new ArrayList<>();
    private final List<Container> initContainers = new ArrayList<>();
    private final Map<String, Quantity> requests = new LinkedHashMap<>();
    private Map<String, Quantity> overhead;
    private final List<Toleration> tolerations = new ArrayList<>();
    private final Map<String, String> nodeSelector = new LinkedHashMap<>();
    private final List<NodeSelectorTerm> requiredTerms = new ArrayList<>();
    private boolean requiredAffinity;
    private final List<io.fabric8.kubernetes.api.model.PreferredSchedulingTerm> preferred =
        new ArrayList<>();
    private Integer priority;
    private String preemptionPolicy;
    private String nodeName;
    private String ownerKind;
    private String ownerUid;
    private boolean terminating;
    private String schedulerName = "default-scheduler";

    PodSpec(String name) {
      this.name = name;
      this.uid = "uid-" + name;
    }

    public PodSpec namespace(String ns) {
      namespace = ns;
      return this;
    }

    public PodSpec uid(String u) {
      uid = u;
      return this;
    }

    public PodSpec cpu(String q) {
      requests.put("cpu", new Quantity(q));
      return this;
    }

    public PodSpec memory(String q) {
      requests.put("memory", new Quantity(q));
      return this;
    }

    public PodSpec request(String name, String q) {
      requests.put(name, new Quantity(q));
      return this;
    }

    /** A further container with these requests ({@code "cpu", "1", "memory", "1Gi"}). */
    public PodSpec container(String... kv) {
      containers.add(container("c" + containers.size(), null, kv));
      return this;
    }

    public PodSpec initContainer(String... kv) {
      initContainers.add(container("init" + initContainers.size(), null, kv));
      return this;
    }

    public PodSpec sidecar(String... kv) {
      initContainers.add(container("side" + initContainers.size(), "Always", kv));
      return this;
    }

    public PodSpec overhead(String... kv) {
      overhead = quantities(kv);
      return this;
    }

    public PodSpec toleration(String key, String operator, String value, String effect) {
      tolerations.add(Fixtures.toleration(key, operator, value, effect));
      return this;
    }

    public PodSpec nodeSelector(String k, String v) {
      nodeSelector.put(k, v);
      return this;
    }

    /** Adds a required node affinity term (terms are ORed). */
    public PodSpec requiredTerm(NodeSelectorTerm t) {
      requiredAffinity = true;
      requiredTerms.add(t);
      return this;
    }

    /** A required node affinity with no terms at all. */
    public PodSpec requiredAffinityWithoutTerms() {
      requiredAffinity = true;
      return this;
    }

    public PodSpec preferred(int weight, NodeSelectorTerm t) {
      preferred.add(new io.fabric8.kubernetes.api.model.PreferredSchedulingTerm(t, weight));
      return this;
    }

    public PodSpec priority(int p) {
      priority = p;
      return this;
    }

    public PodSpec preemptionPolicy(String p) {
      preemptionPolicy = p;
      return this;
    }

    public PodSpec nodeName(String n) {
      nodeName = n;
      return this;
    }

    public PodSpec ownedBy(String kind, String uid) {
      ownerKind = kind;
      ownerUid = uid;
      return this;
    }

    public PodSpec terminating() {
      terminating = true;
      return this;
    }

    public PodSpec schedulerName(String n) {
      schedulerName = n;
      return this;
    }

    private static Container container(String name, String restartPolicy, String... kv) {
      return new ContainerBuilder()
          .withName(name)
          .withImage("nginx")
          .withRestartPolicy(restartPolicy)
          .withNewResources()
          .withRequests(quantities(kv))
          .endResources()
          .build();
    }

    private static Map<String, Quantity> quantities(String... kv) {
      Map<String, Quantity> m = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        m.put(kv[i], new Quantity(kv[i + 1]));
      }
      return m;
    }

    public Pod build() {
      List<Container> all = new ArrayList<>();
      all.add(
          new ContainerBuilder()
              .withName("main")
              .withImage("nginx")
              .withNewResources()
              .withRequests(requests.isEmpty() ? null : requests)
              .endResources()
              .build());
      all.addAll(containers);
      PodBuilder b =
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .withUid(uid)
              .withCreationTimestamp("2024-01-01T00:00:00Z")
              .withDeletionTimestamp(terminating ? "2024-01-01T00:01:00Z" : null)
              .endMetadata()
              .withNewSpec()
              .withContainers(all)
              .withInitContainers(initContainers)
              .withOverhead(overhead)
              .withTolerations(tolerations)
              .withNodeSelector(nodeSelector)
              .withPriority(priority)
              .withPreemptionPolicy(preemptionPolicy)
              .withNodeName(nodeName)
              .withSchedulerName(schedulerName)
              .endSpec()
              .withNewStatus()
              .withPhase("Pending")
              .endStatus();
      if (ownerKind != null) {
        b.editMetadata()
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind(ownerKind)
            .withName("owner")
            .withUid(ownerUid)
            .withController(true)
            .endOwnerReference()
            .endMetadata();
      }
      if (requiredAffinity || !preferred.isEmpty()) {
        b.editSpec()
            .withNewAffinity()
            .withNewNodeAffinity()
            .withRequiredDuringSchedulingIgnoredDuringExecution(
                requiredAffinity
                    ? new io.fabric8.kubernetes.api.model.NodeSelector(requiredTerms)
                    : null)
            .withPreferredDuringSchedulingIgnoredDuringExecution(
                preferred.isEmpty() ? null : preferred)
            .endNodeAffinity()
            .endAffinity()
            .endSpec();
      }
      return b.build();
    }
  }
}
