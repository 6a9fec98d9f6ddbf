package io.skiff.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Matching of nodes against a pod's {@code nodeSelector} and node affinity, as upstream's {@code
 * component-helpers/scheduling/corev1/nodeaffinity}: terms are ORed, the requirements of a term
 * ANDed; an empty term matches nothing; a term that does not parse (a bad operator, {@code Gt}
 * without one integer, {@code matchFields} with other than one value) never matches.
 */
public final class NodeSelectors {

  private NodeSelectors() {}

  /** The field {@code matchFields} may select on: the node's name, which DaemonSets use. */
  public static final String NODE_NAME_FIELD = "metadata.name";

  /**
   * The pod's {@code nodeSelector} and {@code requiredDuringSchedulingIgnoredDuringExecution}, both
   * of which a node must match.
   */
  public record Required(Map<String, String> nodeSelector, List<Term> terms) {

    /** Whether the pod constrains nodes at all. */
    public boolean isEmpty() {
      return nodeSelector == null && terms == null;
    }

    public boolean matches(Node node) {
      Map<String, String> labels = labels(node);
      if (nodeSelector != null) {
        for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
          if (!e.getValue().equals(labels.get(e.getKey()))) {
            return false;
          }
        }
      }
      if (terms == null) {
        return true;
      }
      for (Term t : terms) {
        if (t.matches(node)) {
          return true;
        }
      }
      return false;
    }
  }

  /** One node selector term; {@code valid} is false when it does not parse. */
  public record Term(
      List<NodeSelectorRequirement> expressions,
      List<NodeSelectorRequirement> fields,
      boolean valid) {

    public boolean matches(Node node) {
      if (!valid) {
        return false;
      }
      Map<String, String> labels = labels(node);
      for (NodeSelectorRequirement r : expressions) {
        if (!matchesLabel(r, labels)) {
          return false;
        }
      }
      String name = node.getMetadata() == null ? null : node.getMetadata().getName();
      // Upstream skips the field requirements for a node without a name.
      if (name != null && !name.isEmpty()) {
        for (NodeSelectorRequirement r : fields) {
          // A node has no field but its name; any other key reads as empty, as in upstream.
          String value = NODE_NAME_FIELD.equals(r.getKey()) ? name : "";
          boolean equal = value.equals(r.getValues().get(0));
          if (equal != "In".equals(r.getOperator())) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /** A preferred term and its weight. */
  public record WeightedTerm(Term term, int weight) {}

  /** The pod's required node constraints. */
  public static Required required(Pod pod) {
    Map<String, String> selector = pod.getSpec() == null ? null : pod.getSpec().getNodeSelector();
    if (selector != null && selector.isEmpty()) {
      selector = null;
    }
    NodeSelector ns = requiredAffinity(pod);
    List<Term> terms = null;
    if (ns != null) {
      terms = new ArrayList<>();
      for (NodeSelectorTerm t : nullToEmpty(ns.getNodeSelectorTerms())) {
        if (!isEmpty(t)) {
          terms.add(parse(t));
        }
      }
    }
    return new Required(selector, terms);
  }

  /** The pod's {@code requiredDuringSchedulingIgnoredDuringExecution}, or null. */
  public static NodeSelector requiredAffinity(Pod pod) {
    NodeAffinity na = nodeAffinity(pod);
    return na == null ? null : na.getRequiredDuringSchedulingIgnoredDuringExecution();
  }

  /**
   * The pod's preferred terms that count: weight non-zero, term non-empty and parsing; null when
   * the pod states none.
   */
  public static List<WeightedTerm> preferred(Pod pod) {
    NodeAffinity na = nodeAffinity(pod);
    if (na == null || na.getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
      return null;
    }
    List<WeightedTerm> out = new ArrayList<>();
    for (PreferredSchedulingTerm p : na.getPreferredDuringSchedulingIgnoredDuringExecution()) {
      int weight = p.getWeight() == null ? 0 : p.getWeight();
      if (weight == 0 || p.getPreference() == null || isEmpty(p.getPreference())) {
        continue;
      }
      Term t = parse(p.getPreference());
      if (t.valid()) {
        out.add(new WeightedTerm(t, weight));
      }
    }
    return out;
  }

  private static NodeAffinity nodeAffinity(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getAffinity() == null) {
      return null;
    }
    return pod.getSpec().getAffinity().getNodeAffinity();
  }

  private static boolean isEmpty(NodeSelectorTerm t) {
    return nullToEmpty(t.getMatchExpressions()).isEmpty()
        && nullToEmpty(t.getMatchFields()).isEmpty();
  }

  static Term parse(NodeSelectorTerm t) {
    List<NodeSelectorRequirement> expressions = nullToEmpty(t.getMatchExpressions());
    List<NodeSelectorRequirement> fields = nullToEmpty(t.getMatchFields());
    boolean valid = true;
    for (NodeSelectorRequirement r : expressions) {
      valid &= validLabelRequirement(r);
    }
    for (NodeSelectorRequirement r : fields) {
      String op = r.getOperator();
      valid &= ("In".equals(op) || "NotIn".equals(op)) && nullToEmpty(r.getValues()).size() == 1;
    }
    return new Term(List.copyOf(expressions), List.copyOf(fields), valid);
  }

  private static boolean validLabelRequirement(NodeSelectorRequirement r) {
    List<String> values = nullToEmpty(r.getValues());
    return switch (Objects.requireNonNullElse(r.getOperator(), "")) {
      case "In", "NotIn" -> !values.isEmpty();
      case "Exists", "DoesNotExist" -> values.isEmpty();
      case "Gt", "Lt" -> values.size() == 1 && parseLong(values.get(0)) != null;
      default -> false;
    };
  }

  private static boolean matchesLabel(NodeSelectorRequirement r, Map<String, String> labels) {
    String v = labels.get(r.getKey());
    return switch (r.getOperator()) {
      case "In" -> v != null && r.getValues().contains(v);
      case "NotIn" -> v == null || !r.getValues().contains(v);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      case "Gt", "Lt" -> {
        Long have = v == null ? null : parseLong(v);
        long want = parseLong(r.getValues().get(0));
        yield have != null && ("Gt".equals(r.getOperator()) ? have > want : have < want);
      }
      default -> false;
    };
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Map<String, String> labels(Node node) {
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
