package io.skiff.api.scheduling;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.LabelSelector.Operator;
import io.skiff.api.selector.LabelSelector.Requirement;
import io.skiff.api.selector.SelectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matching of nodes against a pod's {@code nodeSelector} and node affinity, as upstream's {@code
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity} ({@code GetRequiredNodeAffinity(pod)
 * .Match(node)}, {@code NewPreferredSchedulingTerms}): terms are ORed, the requirements of a term
 * ANDed; an empty term matches nothing; a term that does not parse matches nothing either, without
 * spoiling the others. A label requirement parses as {@code labels.NewRequirement} would have it (a
 * known operator, valid label key and values, the right number of values, {@code Gt} and {@code Lt}
 * with one integer); a field requirement must be {@code In} or {@code NotIn} with one value.
 * Validation does not check the values of {@code matchExpressions}, so a stored pod can carry a
 * term that does not parse.
 */
public final class NodeSelectors {

  private NodeSelectors() {}

  /** The field {@code matchFields} may select on: the node's name, which DaemonSets use. */
  public static final String NODE_NAME_FIELD = "metadata.name";

  /**
   * The pod's {@code nodeSelector} and {@code requiredDuringSchedulingIgnoredDuringExecution}, both
   * of which a node must match; null parts constrain nothing.
   */
  public record Required(List<Requirement> nodeSelector, List<Term> terms) {

    /** Whether the pod constrains nodes at all. */
    public boolean isEmpty() {
      return nodeSelector == null && terms == null;
    }

    public boolean matches(Node node) {
      if (nodeSelector != null) {
        Map<String, String> labels = labels(node);
        for (Requirement r : nodeSelector) {
          if (!r.matches(labels)) {
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

  /** One parsed node selector term. */
  public static final class Term {

    private final List<Requirement> labels;
    private final List<FieldRequirement> fields;
    private final boolean valid;

    private Term(List<Requirement> labels, List<FieldRequirement> fields, boolean valid) {
      this.labels = List.copyOf(labels);
      this.fields = List.copyOf(fields);
      this.valid = valid;
    }

    /** Whether the term parsed; one that did not matches no node. */
    public boolean isValid() {
      return valid;
    }

    public boolean matches(Node node) {
      if (!valid) {
        return false;
      }
      Map<String, String> nodeLabels = labels(node);
      for (Requirement r : labels) {
        if (!r.matches(nodeLabels)) {
          return false;
        }
      }
      String name = node.getMetadata() == null ? null : node.getMetadata().getName();
      // Upstream's node field set is empty for a node without a name, and then it skips the
      // field requirements rather than failing them.
      if (name != null && !name.isEmpty()) {
        for (FieldRequirement f : fields) {
          // A node has no field but its name; any other key reads as empty, as in upstream.
          String value = NODE_NAME_FIELD.equals(f.key()) ? name : "";
          if (value.equals(f.value()) != f.in()) {
            return false;
          }
        }
      }
      return true;
    }
  }

  private record FieldRequirement(String key, boolean in, String value) {}

  /** A preferred term and its weight. */
  public record WeightedTerm(Term term, int weight) {}

  /** The pod's required node constraints. */
  public static Required required(Pod pod) {
    return required(pod.getSpec());
  }

  /** The required node constraints of pods with this spec (a DaemonSet's template's, say). */
  public static Required required(PodSpec spec) {
    List<Requirement> selector = null;
    Map<String, String> nodeSelector = spec == null ? null : spec.getNodeSelector();
    if (nodeSelector != null && !nodeSelector.isEmpty()) {
      // Upstream's labels.SelectorFromSet: equality, not checked (validation did that).
      selector = new ArrayList<>();
      for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
        selector.add(
            new Requirement(e.getKey(), Operator.EQUALS, Set.of(emptyIfNull(e.getValue()))));
      }
    }
    NodeSelector ns = requiredAffinity(spec);
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
    return requiredAffinity(pod.getSpec());
  }

  private static NodeSelector requiredAffinity(PodSpec spec) {
    NodeAffinity na = nodeAffinity(spec);
    return na == null ? null : na.getRequiredDuringSchedulingIgnoredDuringExecution();
  }

  /**
   * The pod's preferred terms that count: weight non-zero, term non-empty and parsing; null when
   * the pod states none.
   */
  public static List<WeightedTerm> preferred(Pod pod) {
    NodeAffinity na = nodeAffinity(pod.getSpec());
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
      if (t.isValid()) {
        out.add(new WeightedTerm(t, weight));
      }
    }
    return out;
  }

  private static NodeAffinity nodeAffinity(PodSpec spec) {
    if (spec == null || spec.getAffinity() == null) {
      return null;
    }
    return spec.getAffinity().getNodeAffinity();
  }

  private static boolean isEmpty(NodeSelectorTerm t) {
    return nullToEmpty(t.getMatchExpressions()).isEmpty()
        && nullToEmpty(t.getMatchFields()).isEmpty();
  }

  private static Term parse(NodeSelectorTerm t) {
    boolean valid = true;
    List<Requirement> labels = new ArrayList<>();
    for (NodeSelectorRequirement r : nullToEmpty(t.getMatchExpressions())) {
      Operator op =
          switch (emptyIfNull(r.getOperator())) {
            case "In" -> Operator.IN;
            case "NotIn" -> Operator.NOT_IN;
            case "Exists" -> Operator.EXISTS;
            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
            case "Gt" -> Operator.GREATER_THAN;
            case "Lt" -> Operator.LESS_THAN;
            default -> null;
          };
      if (op == null) {
        valid = false;
        continue;
      }
      try {
        labels.add(LabelSelector.requirement(emptyIfNull(r.getKey()), op, values(r)));
      } catch (SelectorException e) {
        valid = false;
      }
    }
    List<FieldRequirement> fields = new ArrayList<>();
    for (NodeSelectorRequirement r : nullToEmpty(t.getMatchFields())) {
      String op = emptyIfNull(r.getOperator());
      List<String> values = values(r);
      if ((op.equals("In") || op.equals("NotIn")) && values.size() == 1) {
        fields.add(new FieldRequirement(emptyIfNull(r.getKey()), op.equals("In"), values.get(0)));
      } else {
        valid = false;
      }
    }
    return new Term(labels, fields, valid);
  }

  /** A requirement's values; a JSON null among them is Go's empty string. */
  private static List<String> values(NodeSelectorRequirement r) {
    return nullToEmpty(r.getValues()).stream().map(NodeSelectors::emptyIfNull).toList();
  }

  private static Map<String, String> labels(Node node) {
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static String emptyIfNull(String s) {
    return s == null ? "" : s;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
