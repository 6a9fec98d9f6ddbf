package io.skiff.api.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's tables for {@code nodeaffinity}: {@code TestPodMatchesNodeSelectorAndAffinityTerms},
 * {@code TestNodeSelectorMatch} and {@code TestPreferredSchedulingTermsScore}, and {@code
 * TestMatchNodeSelectorTerms} of {@code component-helpers/scheduling/corev1}.
 */
class NodeSelectorsTest {

  private static NodeSelectorRequirement req(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }

  private static NodeSelectorTerm labels(NodeSelectorRequirement... requirements) {
    return new NodeSelectorTerm(List.of(requirements), null);
  }

  private static NodeSelectorTerm fields(NodeSelectorRequirement... requirements) {
    return new NodeSelectorTerm(null, List.of(requirements));
  }

  private static NodeSelectorTerm both(NodeSelectorRequirement label, NodeSelectorRequirement f) {
    return new NodeSelectorTerm(List.of(label), List.of(f));
  }

  private static Pod required(NodeSelectorTerm... terms) {
    return requiredSelector(new NodeSelector(List.of(terms)));
  }

  private static Pod requiredSelector(NodeSelector selector) {
    return new PodBuilder()
        .withNewSpec()
        .withAffinity(
            new AffinityBuilder()
                .withNewNodeAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(selector)
                .endNodeAffinity()
                .build())
        .endSpec()
        .build();
  }

  private static Pod nodeSelector(Map<String, String> selector) {
    return new PodBuilder().withNewSpec().withNodeSelector(selector).endSpec().build();
  }

  private static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  private static final Map<String, String> FOO_BAR = Map.of("foo", "bar");

  static Stream<Arguments> podMatchesNodeSelectorAndAffinityTerms() {
    Pod affinityFooExists = required(labels(req("foo", "Exists")));
    Pod bothFoo =
        new PodBuilder(affinityFooExists).editSpec().withNodeSelector(FOO_BAR).endSpec().build();
    return Stream.of(
        arguments("no selector", new Pod(), null, Map.of(), true),
        arguments("missing labels", nodeSelector(FOO_BAR), null, Map.of(), false),
        arguments("same labels", nodeSelector(FOO_BAR), null, FOO_BAR, true),
        arguments(
            "node labels are superset",
            nodeSelector(FOO_BAR),
            null,
            Map.of("foo", "bar", "baz", "blah"),
            true),
        arguments(
            "node labels are subset",
            nodeSelector(Map.of("foo", "bar", "baz", "blah")),
            null,
            FOO_BAR,
            false),
        arguments(
            "matchExpressions In matching the node",
            required(labels(req("foo", "In", "bar", "value2"))),
            null,
            FOO_BAR,
            true),
        arguments(
            "matchExpressions Gt matching the node",
            required(labels(req("kernel-version", "Gt", "0204"))),
            null,
            Map.of("kernel-version", "0206"),
            true),
        arguments(
            "matchExpressions NotIn matching the node",
            required(labels(req("mem-type", "NotIn", "DDR", "DDR2"))),
            null,
            Map.of("mem-type", "DDR3"),
            true),
        arguments(
            "matchExpressions Exists matching the node",
            required(labels(req("GPU", "Exists"))),
            null,
            Map.of("GPU", "NVIDIA-GRID-K1"),
            true),
        arguments(
            "affinity that doesn't match the node's labels",
            required(labels(req("foo", "In", "value1", "value2"))),
            null,
            FOO_BAR,
            false),
        arguments(
            "a nil []NodeSelectorTerm matches no node",
            requiredSelector(new NodeSelector(null)),
            null,
            FOO_BAR,
            false),
        arguments(
            "an empty []NodeSelectorTerm matches no node",
            requiredSelector(new NodeSelector(List.of())),
            null,
            FOO_BAR,
            false),
        arguments(
            "empty MatchExpressions match no node",
            required(new NodeSelectorTerm(List.of(), null)),
            null,
            FOO_BAR,
            false),
        arguments("no affinity", new Pod(), null, FOO_BAR, true),
        arguments(
            "affinity with a nil NodeSelector",
            new PodBuilder()
                .withNewSpec()
                .withNewAffinity()
                .withNewNodeAffinity()
                .endNodeAffinity()
                .endAffinity()
                .endSpec()
                .build(),
            null,
            FOO_BAR,
            true),
        arguments(
            "matchExpressions ANDed, all matching",
            required(labels(req("GPU", "Exists"), req("GPU", "NotIn", "AMD", "INTER"))),
            null,
            Map.of("GPU", "NVIDIA-GRID-K1"),
            true),
        arguments(
            "matchExpressions ANDed, one not matching",
            required(labels(req("GPU", "Exists"), req("GPU", "In", "AMD", "INTER"))),
            null,
            Map.of("GPU", "NVIDIA-GRID-K1"),
            false),
        arguments(
            "terms ORed, one matching",
            required(
                labels(req("foo", "In", "bar", "value2")),
                labels(req("diffkey", "In", "wrong", "value2"))),
            null,
            FOO_BAR,
            true),
        arguments("affinity and nodeSelector both satisfied", bothFoo, null, FOO_BAR, true),
        arguments(
            "affinity satisfied, nodeSelector not",
            bothFoo,
            null,
            Map.of("foo", "barrrrrr"),
            false),
        arguments(
            "an invalid value in a term: the term matches nothing",
            required(labels(req("foo", "NotIn", "invalid value: ___@#$%^"))),
            null,
            FOO_BAR,
            false),
        arguments(
            "matchFields In matching the node",
            required(fields(req("metadata.name", "In", "node_1"))),
            "node_1",
            Map.of(),
            true),
        arguments(
            "matchFields In not matching the node",
            required(fields(req("metadata.name", "In", "node_1"))),
            "node_2",
            Map.of(),
            false),
        arguments(
            "two terms: matchFields not matching, matchExpressions matching",
            required(fields(req("metadata.name", "In", "node_1")), labels(req("foo", "In", "bar"))),
            "node_2",
            FOO_BAR,
            true),
        arguments(
            "one term: matchFields not matching, matchExpressions matching",
            required(both(req("foo", "In", "bar"), req("metadata.name", "In", "node_1"))),
            "node_2",
            FOO_BAR,
            false),
        arguments(
            "one term: matchFields and matchExpressions both matching",
            required(both(req("foo", "In", "bar"), req("metadata.name", "In", "node_1"))),
            "node_1",
            FOO_BAR,
            true),
        arguments(
            "two terms: neither matching",
            required(
                fields(req("metadata.name", "In", "node_1")),
                labels(req("foo", "In", "not-match-to-bar"))),
            "node_2",
            FOO_BAR,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void podMatchesNodeSelectorAndAffinityTerms(
      String name, Pod pod, String nodeName, Map<String, String> labels, boolean matches) {
    assertThat(NodeSelectors.required(pod).matches(node(nodeName, labels))).isEqualTo(matches);
  }

  static Stream<Arguments> matchNodeSelectorTerms() {
    Map<String, String> label1 = Map.of("label_1", "label_1_val");
    return Stream.of(
        arguments(
            "node label matches matchExpressions terms",
            List.of(labels(req("label_1", "In", "label_1_val"))),
            node(null, label1),
            true),
        arguments(
            "node field matches matchFields terms",
            List.of(fields(req("metadata.name", "In", "host_1"))),
            node("host_1", null),
            true),
        arguments(
            "invalid node field requirement",
            List.of(fields(req("metadata.name", "In", "host_1", "host_2"))),
            node("host_1", null),
            false),
        arguments(
            "fieldSelectorTerm with node labels",
            List.of(fields(req("metadata.name", "In", "host_1"))),
            node("not_host_1", Map.of("metadata.name", "host_1")),
            false),
        arguments(
            "labelSelectorTerm with node fields",
            List.of(labels(req("metadata.name", "In", "host_1"))),
            node("host_1", null),
            false),
        arguments(
            "labelSelectorTerm and fieldSelectorTerm, but only node fields",
            List.of(
                both(req("label_1", "In", "label_1_val"), req("metadata.name", "In", "host_1"))),
            node("host_1", null),
            false),
        arguments(
            "labelSelectorTerm and fieldSelectorTerm, both matched",
            List.of(
                both(req("label_1", "In", "label_1_val"), req("metadata.name", "In", "host_1"))),
            node("host_1", label1),
            true),
        arguments(
            "labelSelectorTerm and fieldSelectorTerm, one mismatched",
            List.of(
                both(req("label_1", "In", "label_1_val"), req("metadata.name", "In", "host_1"))),
            node("host_1", Map.of("label_1", "label_1_val-failed")),
            false),
        arguments(
            "multi-selector, one term mismatched",
            List.of(
                labels(req("label_1", "In", "label_1_val")),
                fields(req("metadata.name", "In", "host_1"))),
            node("host_1", Map.of("label_1", "label_1_val-failed")),
            true),
        // TestNodeSelectorMatch, read lazily as GetRequiredNodeAffinity reads it: terms that do
        // not parse match nothing, and the one that parses still decides.
        arguments(
            "invalid field selector and label selector around a matching term",
            List.of(
                fields(req("metadata.name", "In", "host_1", "host_2")),
                both(req("label_1", "In", "label_1_val"), req("metadata.name", "In", "host_1")),
                labels(req("invalid key", "In", "label_value"))),
            node("host_1", label1),
            true),
        arguments(
            "only terms that do not parse",
            List.of(
                fields(req("metadata.name", "In", "host_1", "host_2")),
                labels(req("invalid key", "In", "label_value"))),
            node("host_1", label1),
            false),
        arguments(
            "node matches field selector, but not labels",
            List.of(
                both(req("label_1", "In", "label_1_val"), req("metadata.name", "In", "host_1"))),
            node("host_1", null),
            false),
        arguments(
            "second term matches",
            List.of(
                labels(req("label_1", "In", "label_1_val")),
                fields(req("metadata.name", "In", "host_1"))),
            node("host_1", null),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void matchNodeSelectorTerms(String name, List<NodeSelectorTerm> terms, Node node, boolean match) {
    Pod pod = required(terms.toArray(NodeSelectorTerm[]::new));
    assertThat(NodeSelectors.required(pod).matches(node)).isEqualTo(match);
  }

  static Stream<Arguments> requirementsParseAsLabelsNewRequirement() {
    Map<String, String> node = Map.of("foo", "bar", "n", "5");
    return Stream.of(
        arguments("In", req("foo", "In", "bar", "baz"), node, true),
        arguments("In without values", req("foo", "In"), node, false),
        arguments("NotIn without values", req("x", "NotIn"), node, false),
        arguments("NotIn, label missing", req("x", "NotIn", "a"), node, true),
        arguments("Exists with values", req("foo", "Exists", "bar", "baz"), node, false),
        arguments("DoesNotExist", req("x", "DoesNotExist"), node, true),
        arguments("Gt", req("n", "Gt", "1"), node, true),
        arguments("Gt, equal", req("n", "Gt", "5"), node, false),
        arguments("Lt", req("n", "Lt", "7"), node, true),
        arguments("Gt on a label that is no integer", req("foo", "Gt", "1"), node, false),
        arguments("Gt with a value that is no integer", req("n", "Gt", "x"), node, false),
        arguments("Gt with two values", req("n", "Gt", "1", "2"), node, false),
        arguments("an unknown operator", req("foo", "Equals", "bar"), node, false),
        arguments("a key that is no label key", req("invalid key", "Exists"), node, false),
        arguments("a value that is no label value", req("foo", "In", "bar", "b@d"), node, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void requirementsParseAsLabelsNewRequirement(
      String name, NodeSelectorRequirement requirement, Map<String, String> labels, boolean match) {
    assertThat(NodeSelectors.required(required(labels(requirement))).matches(node("n", labels)))
        .isEqualTo(match);
  }

  @Test
  void matchFieldsSelectOnTheNodeNameOnly() {
    Node n1 = node("node-1", Map.of());
    assertThat(matches(fields(req("metadata.name", "NotIn", "node-2")), n1)).isTrue();
    assertThat(matches(fields(req("metadata.name", "NotIn", "node-1")), n1)).isFalse();
    // Any other field reads as empty.
    assertThat(matches(fields(req("spec.unschedulable", "In", "")), n1)).isTrue();
    assertThat(matches(fields(req("spec.unschedulable", "In", "true")), n1)).isFalse();
    assertThat(matches(fields(req("metadata.name", "Exists")), n1)).isFalse();
    // A node without a name has no fields, and upstream then skips the field requirements.
    assertThat(matches(fields(req("metadata.name", "In", "node-1")), node(null, Map.of())))
        .isTrue();
  }

  private static boolean matches(NodeSelectorTerm term, Node node) {
    return NodeSelectors.required(required(term)).matches(node);
  }

  @Test
  void aNodeSelectorValueThatIsJsonNullIsTheEmptyString() {
    Map<String, String> selector = new HashMap<>();
    selector.put("foo", null);
    assertThat(NodeSelectors.required(nodeSelector(selector)).matches(node("n", Map.of("foo", ""))))
        .isTrue();
    assertThat(NodeSelectors.required(nodeSelector(selector)).matches(node("n", Map.of())))
        .isFalse();
  }

  @Test
  void onlyAPodWithoutNodeSelectorAndRequiredAffinityIsUnconstrained() {
    assertThat(NodeSelectors.required(new Pod()).isEmpty()).isTrue();
    assertThat(NodeSelectors.required(nodeSelector(Map.of())).isEmpty()).isTrue();
    assertThat(NodeSelectors.required(nodeSelector(FOO_BAR)).isEmpty()).isFalse();
    assertThat(NodeSelectors.required(requiredSelector(new NodeSelector(List.of()))).isEmpty())
        .isFalse();
    // A DaemonSet matches its template's spec, not a pod.
    PodSpec spec = nodeSelector(FOO_BAR).getSpec();
    assertThat(NodeSelectors.required(spec).matches(node("n", FOO_BAR))).isTrue();
    assertThat(NodeSelectors.required(spec).matches(node("n", Map.of()))).isFalse();
  }

  private static PreferredSchedulingTerm preference(int weight, NodeSelectorTerm term) {
    return new PreferredSchedulingTerm(term, weight);
  }

  private static long score(Pod pod, Node node) {
    return NodeSelectors.preferred(pod).stream()
        .filter(t -> t.term().matches(node))
        .mapToLong(NodeSelectors.WeightedTerm::weight)
        .sum();
  }

  private static Pod preferring(PreferredSchedulingTerm... terms) {
    return new PodBuilder()
        .withNewSpec()
        .withNewAffinity()
        .withNewNodeAffinity()
        .withPreferredDuringSchedulingIgnoredDuringExecution(Arrays.asList(terms))
        .endNodeAffinity()
        .endAffinity()
        .endSpec()
        .build();
  }

  @Test
  void preferredSchedulingTermsScore() {
    Node host1 = node("host_1", Map.of("label_1", "label_1_val"));
    Pod firstAndThird =
        preferring(
            preference(5, fields(req("metadata.name", "In", "host_1"))),
            preference(7, labels(req("unknown_label", "In", "unknown_label_val"))),
            preference(11, labels(req("label_1", "In", "label_1_val"))));
    assertThat(score(firstAndThird, host1)).isEqualTo(16);

    // Terms that do not parse, and terms of weight 0, are left out.
    Pod invalid =
        preferring(
            preference(1, fields(req("metadata.name", "In", "host_1", "host_2"))),
            preference(1, labels(req("invalid key", "In", "label_value"))),
            preference(0, labels(req("label_1", "In", "label_1_val"))),
            preference(3, new NodeSelectorTerm(List.of(), List.of())),
            preference(2, labels(req("label_1", "Exists"))));
    assertThat(NodeSelectors.preferred(invalid)).hasSize(1);
    assertThat(score(invalid, host1)).isEqualTo(2);

    assertThat(NodeSelectors.preferred(new Pod())).isNull();
  }
}
