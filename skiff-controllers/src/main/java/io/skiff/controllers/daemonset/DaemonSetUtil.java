package io.skiff.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.skiff.api.scheduling.NodeSelectors;
import io.skiff.api.scheduling.Tolerations;
import io.skiff.controllers.runtime.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure parts of upstream's {@code pkg/controller/daemon} and {@code daemon/util}: where a
 * DaemonSet's pods should run, the pods it creates, which pods are up to date, and the rolling
 * update's budget.
 */
public final class DaemonSetUtil {

  public static final String API_VERSION = "apps/v1";
  public static final String KIND = "DaemonSet";

  /** The pod and revision label with the template's short hash. */
  public static final String HASH_LABEL = "controller-revision-hash";

  /** The pod label with the template generation the pod was made from. */
  public static final String TEMPLATE_GENERATION_LABEL = "pod-template-generation";

  /** The annotation through which apps/v1 carries the DaemonSet's template generation. */
  public static final String TEMPLATE_GENERATION_ANNOTATION =
      "deprecated.daemonset.template.generation";

  private static final String NO_EXECUTE = "NoExecute";
  private static final String NO_SCHEDULE = "NoSchedule";

  private DaemonSetUtil() {}

  // ---- the pods a DaemonSet makes ----

  /** {@code spec.template}'s generation from the annotation; null when absent or unreadable. */
  public static Long templateGeneration(DaemonSet ds) {
    Map<String, String> a = ds.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(TEMPLATE_GENERATION_ANNOTATION);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Adds the tolerations every daemon pod gets, so that node conditions, cordon and (with host
   * networking) an unready network do not keep it off or evict it.
   */
  static void addOrUpdateDaemonPodTolerations(PodSpec spec) {
    spec.setTolerations(daemonPodTolerations(spec));
  }

  /** The spec's tolerations with the daemon ones added, in a new list. */
  private static List<Toleration> daemonPodTolerations(PodSpec spec) {
    List<Toleration> tolerations =
        spec.getTolerations() == null ? new ArrayList<>() : new ArrayList<>(spec.getTolerations());
    addOrUpdate(tolerations, "node.kubernetes.io/not-ready", NO_EXECUTE);
    addOrUpdate(tolerations, "node.kubernetes.io/unreachable", NO_EXECUTE);
    addOrUpdate(tolerations, "node.kubernetes.io/disk-pressure", NO_SCHEDULE);
    addOrUpdate(tolerations, "node.kubernetes.io/memory-pressure", NO_SCHEDULE);
    addOrUpdate(tolerations, "node.kubernetes.io/pid-pressure", NO_SCHEDULE);
    addOrUpdate(tolerations, "node.kubernetes.io/unschedulable", NO_SCHEDULE);
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      addOrUpdate(tolerations, "node.kubernetes.io/network-unavailable", NO_SCHEDULE);
    }
    return tolerations;
  }

  /** Upstream's AddOrUpdateTolerationInPodSpec with an {@code Exists} toleration. */
  private static void addOrUpdate(List<Toleration> tolerations, String key, String effect) {
    Toleration t = new Toleration(effect, key, "Exists", null, null);
    for (int i = 0; i < tolerations.size(); i++) {
      Toleration have = tolerations.get(i);
      // MatchToleration: same key, operator, value and effect.
      if (Objects.equals(have.getKey(), key)
          && Objects.equals(have.getOperator(), "Exists")
          && Objects.equals(Objects.requireNonNullElse(have.getValue(), ""), "")
          && Objects.equals(have.getEffect(), effect)) {
        tolerations.set(i, t);
        return;
      }
    }
    tolerations.add(t);
  }

  /**
   * The template of the pods to create: the DaemonSet's, with the daemon tolerations, the template
   * generation label (when known) and the hash label.
   */
  static PodTemplateSpec createPodTemplate(PodTemplateSpec template, Long generation, String hash) {
    PodTemplateSpec t = new PodTemplateSpecBuilder(template).build();
    if (t.getSpec() == null) {
      t.setSpec(new PodSpec());
    }
    addOrUpdateDaemonPodTolerations(t.getSpec());
    if (t.getMetadata() == null) {
      t.setMetadata(new ObjectMeta());
    }
    Map<String, String> labels =
        t.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(t.getMetadata().getLabels());
    if (generation != null) {
      labels.put(TEMPLATE_GENERATION_LABEL, Long.toString(generation));
    }
    if (hash != null && !hash.isEmpty()) {
      labels.put(HASH_LABEL, hash);
    }
    t.getMetadata().setLabels(labels);
    return t;
  }

  /**
   * Pins a pod to {@code nodeName} by replacing its required node affinity with a single {@code
   * matchFields metadata.name In [node]} term; the scheduler then binds it there.
   */
  static Affinity replaceNodeNameAffinity(Affinity affinity, String nodeName) {
    NodeSelectorRequirement req =
        new NodeSelectorRequirement(
            NodeSelectors.NODE_NAME_FIELD, "In", new ArrayList<>(List.of(nodeName)));
    NodeSelectorTerm term = new NodeSelectorTerm(null, new ArrayList<>(List.of(req)));
    if (affinity == null) {
      affinity = new Affinity();
    }
    NodeAffinity na = affinity.getNodeAffinity();
    if (na == null) {
      na = new NodeAffinity();
      affinity.setNodeAffinity(na);
    }
    if (na.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      na.setRequiredDuringSchedulingIgnoredDuringExecution(
          new NodeSelector(new ArrayList<>(List.of(term))));
    } else {
      na.getRequiredDuringSchedulingIgnoredDuringExecution()
          .setNodeSelectorTerms(new ArrayList<>(List.of(term)));
    }
    return affinity;
  }

  /**
   * The node a daemon pod belongs to: its {@code nodeName}, else the one value of its {@code
   * matchFields metadata.name In} term.
   */
  static Optional<String> targetNodeName(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return Optional.empty();
    }
    if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()) {
      return Optional.of(spec.getNodeName());
    }
    if (spec.getAffinity() == null
        || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return Optional.empty();
    }
    List<NodeSelectorTerm> terms =
        spec.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    if (terms == null || terms.size() != 1 || terms.getFirst().getMatchFields() == null) {
      return Optional.empty();
    }
    for (NodeSelectorRequirement r : terms.getFirst().getMatchFields()) {
      if (NodeSelectors.NODE_NAME_FIELD.equals(r.getKey())
          && "In".equals(r.getOperator())
          && r.getValues() != null
          && r.getValues().size() == 1) {
        return Optional.of(r.getValues().getFirst());
      }
    }
    return Optional.empty();
  }

  /** Whether the pod is of the current template: by hash, or by template generation. */
  static boolean isPodUpdated(Pod pod, String hash, Long generation) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    labels = labels == null ? Map.of() : labels;
    boolean templateMatches =
        generation != null
            && Long.toString(generation).equals(labels.get(TEMPLATE_GENERATION_LABEL));
    boolean hashMatches = hash != null && !hash.isEmpty() && hash.equals(labels.get(HASH_LABEL));
    return hashMatches || templateMatches;
  }

  /** Scheduled pods first, then the oldest, then by name: the pod kept on a node comes first. */
  static final Comparator<Pod> BY_CREATION_TIMESTAMP_AND_PHASE =
      Comparator.<Pod>comparingInt(
              p -> p.getSpec() != null && nz(p.getSpec().getNodeName()).isEmpty() ? 1 : 0)
          .thenComparing(
              p -> {
                Instant t = Times.parse(p.getMetadata().getCreationTimestamp());
                return t == null ? Instant.MIN : t;
              })
          .thenComparing(p -> nz(p.getMetadata().getName()));

  // ---- rolling update budget ----

  private static boolean isRollingUpdate(DaemonSet ds) {
    var us = ds.getSpec().getUpdateStrategy();
    return us != null && "RollingUpdate".equals(us.getType()) && us.getRollingUpdate() != null;
  }

  /** {@code maxSurge} of {@code numberToSchedule}, percentages rounded up; 0 unless rolling. */
  public static int surgeCount(DaemonSet ds, int numberToSchedule) {
    if (!isRollingUpdate(ds)) {
      return 0;
    }
    return scaledValue(
        ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge(), numberToSchedule);
  }

  /**
   * {@code maxUnavailable} of {@code numberToSchedule}, percentages rounded <b>up</b> (unlike
   * Deployments); 0 unless rolling.
   */
  public static int unavailableCount(DaemonSet ds, int numberToSchedule) {
    if (!isRollingUpdate(ds)) {
      return 0;
    }
    return scaledValue(
        ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable(), numberToSchedule);
  }

  static boolean allowsSurge(DaemonSet ds) {
    return surgeCount(ds, 1) != 0;
  }

  /**
   * The rolling update's budget over {@code desired} nodes: {@code maxSurge} and {@code
   * maxUnavailable}, with unavailability 1 when both come out 0 (which validation forbids, but
   * rounding cannot).
   */
  public record Budget(int maxSurge, int maxUnavailable) {}

  public static Budget budget(DaemonSet ds, int desired) {
    int unavailable = unavailableCount(ds, desired);
    int surge = surgeCount(ds, desired);
    if (desired > 0 && unavailable == 0 && surge == 0) {
      unavailable = 1;
    }
    return new Budget(surge, unavailable);
  }

  private static int scaledValue(IntOrString v, int total) {
    if (v == null) {
      return 0;
    }
    if (v.getStrVal() == null) {
      return v.getIntVal() == null ? 0 : v.getIntVal();
    }
    String s = v.getStrVal();
    if (!s.endsWith("%")) {
      throw new IllegalArgumentException("invalid type: string is not a percentage");
    }
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid value for IntOrString: invalid value \"" + s + "\"", e);
    }
    return (int) Math.ceil((double) percent * total / 100);
  }

  // ---- placement ----

  /**
   * Whether a daemon pod should run on the node ({@code shouldRun}) and whether one already there
   * may stay ({@code shouldContinueRunning}).
   */
  public record Placement(boolean shouldRun, boolean shouldContinueRunning) {}

  /**
   * Upstream's NodeShouldRunDaemonPod: the template's {@code nodeName} (if any) must be the node,
   * the node must match the {@code nodeSelector} and required node affinity, and the daemon pod
   * (with its automatic tolerations) must tolerate the node's NoSchedule and NoExecute taints; a
   * pod that only fails on a NoSchedule taint may stay. Cordon is not checked: its taint is
   * tolerated. For many nodes, take a {@link #placer} once.
   */
  public static Placement nodeShouldRunDaemonPod(Node node, DaemonSet ds) {
    return placer(ds).place(node);
  }

  /** {@link #nodeShouldRunDaemonPod} for one daemon set over many nodes. */
  static Placer placer(DaemonSet ds) {
    PodSpec template =
        ds.getSpec().getTemplate() == null || ds.getSpec().getTemplate().getSpec() == null
            ? new PodSpec()
            : ds.getSpec().getTemplate().getSpec();
    return new Placer(template, daemonPodTolerations(template));
  }

  /**
   * What a daemon pod of a set looks like to the placement checks, computed once: upstream builds
   * the whole pod for every node of every sync, and a copy of the template per node was a third of
   * the controller's time over 1,000 nodes. The template is only read.
   */
  static final class Placer {
    private final PodSpec template;
    private final NodeSelectors.Required required;
    private final List<Toleration> tolerations;

    private Placer(PodSpec template, List<Toleration> tolerations) {
      this.template = template;
      this.required = NodeSelectors.required(template);
      this.tolerations = tolerations;
    }

    Placement place(Node node) {
      String nodeName = node.getMetadata().getName();
      if (!nz(template.getNodeName()).isEmpty() && !template.getNodeName().equals(nodeName)) {
        return new Placement(false, false);
      }
      if (!required.matches(node)) {
        return new Placement(false, false);
      }
      List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
      if (taints == null || taints.isEmpty()) {
        return new Placement(true, true);
      }
      boolean untolerated =
          Tolerations.findMatchingUntoleratedTaint(
                  taints,
                  tolerations,
                  t -> NO_EXECUTE.equals(t.getEffect()) || NO_SCHEDULE.equals(t.getEffect()))
              .isPresent();
      if (untolerated) {
        boolean untoleratedNoExecute =
            Tolerations.findMatchingUntoleratedTaint(
                    taints, tolerations, t -> NO_EXECUTE.equals(t.getEffect()))
                .isPresent();
        return new Placement(false, !untoleratedNoExecute);
      }
      return new Placement(true, true);
    }
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }
}
