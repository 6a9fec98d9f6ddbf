package io.skiff.scheduler.plugins;

import static io.skiff.scheduler.Fixtures.fieldTerm;
import static io.skiff.scheduler.Fixtures.node;
import static io.skiff.scheduler.Fixtures.pod;
import static io.skiff.scheduler.Fixtures.req;
import static io.skiff.scheduler.Fixtures.term;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.skiff.scheduler.framework.ClusterEvent;
import io.skiff.scheduler.framework.NodeInfo;
import io.skiff.scheduler.framework.PodInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAffinityTest {

  private final NodeAffinity plugin = new NodeAffinity();

  /** A node labelled {@code disk=ssd, zone=a, cores=8}, named {@code node-1}. */
  private static final Node SSD =
      node("node-1").label("disk", "ssd").label("zone", "a").label("cores", "8").build();

  static Stream<Arguments> filter() {
    return Stream.of(
        arguments("no constraints", pod("p").build(), true),
        arguments("nodeSelector matches", pod("p").nodeSelector("disk", "ssd").build(), true),
        arguments(
            "nodeSelector value differs", pod("p").nodeSelector("disk", "hdd").build(), false),
        arguments("nodeSelector label missing", pod("p").nodeSelector("gpu", "yes").build(), false),
        arguments(
            "nodeSelector and affinity must both match",
            pod("p").nodeSelector("disk", "ssd").requiredTerm(term(req("zone", "In", "b"))).build(),
            false),
        arguments("In", pod("p").requiredTerm(term(req("zone", "In", "a", "b"))).build(), true),
        arguments(
            "In, other values", pod("p").requiredTerm(term(req("zone", "In", "c"))).build(), false),
        arguments(
            "In, label missing", pod("p").requiredTerm(term(req("x", "In", "a"))).build(), false),
        arguments("NotIn", pod("p").requiredTerm(term(req("zone", "NotIn", "b"))).build(), true),
        arguments(
            "NotIn, listed", pod("p").requiredTerm(term(req("zone", "NotIn", "a"))).build(), false),
        arguments(
            "NotIn, label missing",
            pod("p").requiredTerm(term(req("x", "NotIn", "a"))).build(),
            true),
        arguments("Exists", pod("p").requiredTerm(term(req("disk", "Exists"))).build(), true),
        arguments(
            "Exists, missing", pod("p").requiredTerm(term(req("gpu", "Exists"))).build(), false),
        arguments(
            "DoesNotExist", pod("p").requiredTerm(term(req("gpu", "DoesNotExist"))).build(), true),
        arguments(
            "DoesNotExist, present",
            pod("p").requiredTerm(term(req("disk", "DoesNotExist"))).build(),
            false),
        arguments("Gt", pod("p").requiredTerm(term(req("cores", "Gt", "4"))).build(), true),
        arguments("Gt, equal", pod("p").requiredTerm(term(req("cores", "Gt", "8"))).build(), false),
        arguments("Lt", pod("p").requiredTerm(term(req("cores", "Lt", "16"))).build(), true),
        arguments(
            "Gt on a non-numeric label",
            pod("p").requiredTerm(term(req("zone", "Gt", "1"))).build(),
            false),
        arguments(
            "Gt with a non-numeric value never parses",
            pod("p").requiredTerm(term(req("cores", "Gt", "x"))).build(),
            false),
        arguments(
            "Gt with two values never parses",
            pod("p").requiredTerm(term(req("cores", "Gt", "1", "2"))).build(),
            false),
        arguments(
            "unknown operator never parses",
            pod("p").requiredTerm(term(req("zone", "Equals", "a"))).build(),
            false),
        arguments(
            "requirements of a term are ANDed",
            pod("p").requiredTerm(term(req("disk", "In", "ssd"), req("zone", "In", "b"))).build(),
            false),
        arguments(
            "terms are ORed",
            pod("p")
                .requiredTerm(term(req("zone", "In", "b")))
                .requiredTerm(term(req("disk", "In", "ssd")))
                .build(),
            true),
        arguments(
            "a term that does not parse does not spoil the others",
            pod("p")
                .requiredTerm(term(req("cores", "Gt", "x")))
                .requiredTerm(term(req("disk", "Exists")))
                .build(),
            true),
        arguments("an empty term matches nothing", pod("p").requiredTerm(term()).build(), false),
        arguments(
            "no terms at all match nothing",
            pod("p").requiredAffinityWithoutTerms().build(),
            false),
        arguments(
            "matchFields metadata.name In (DaemonSet pods)",
            pod("p").requiredTerm(fieldTerm(req("metadata.name", "In", "node-1"))).build(),
            true),
        arguments(
            "matchFields metadata.name In another node",
            pod("p").requiredTerm(fieldTerm(req("metadata.name", "In", "node-2"))).build(),
            false),
        arguments(
            "matchFields metadata.name NotIn",
            pod("p").requiredTerm(fieldTerm(req("metadata.name", "NotIn", "node-2"))).build(),
            true),
        arguments(
            "matchFields needs exactly one value",
            pod("p")
                .requiredTerm(fieldTerm(req("metadata.name", "In", "node-1", "node-2")))
                .build(),
            false),
        arguments(
            "matchFields and matchExpressions of one term are ANDed",
            pod("p")
                .requiredTerm(
                    new NodeSelectorTerm(
                        List.of(req("disk", "In", "hdd")),
                        List.of(req("metadata.name", "In", "node-1"))))
                .build(),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void filter(String name, Pod pod, boolean fits) {
    assertThat(plugin.filter(PodInfo.of(pod), NodeInfo.of(SSD)).isSuccess()).isEqualTo(fits);
    if (!fits) {
      assertThat(plugin.filter(PodInfo.of(pod), NodeInfo.of(SSD)).reasons())
          .containsExactly("node(s) didn't match Pod's node affinity/selector");
    }
  }

  static Stream<Arguments> nodeNames() {
    return Stream.of(
        arguments("no affinity", pod("p").build(), null),
        arguments(
            "label terms only", pod("p").requiredTerm(term(req("disk", "Exists"))).build(), null),
        arguments(
            "a DaemonSet pod's term",
            pod("p").requiredTerm(fieldTerm(req("metadata.name", "In", "node-1"))).build(),
            Set.of("node-1")),
        arguments(
            "union over terms",
            pod("p")
                .requiredTerm(fieldTerm(req("metadata.name", "In", "node-1")))
                .requiredTerm(fieldTerm(req("metadata.name", "In", "node-2")))
                .build(),
            Set.of("node-1", "node-2")),
        arguments(
            "one term without names leaves every node",
            pod("p")
                .requiredTerm(fieldTerm(req("metadata.name", "In", "node-1")))
                .requiredTerm(term(req("disk", "Exists")))
                .build(),
            null),
        arguments(
            "NotIn names no node",
            pod("p").requiredTerm(fieldTerm(req("metadata.name", "NotIn", "node-1"))).build(),
            null),
        arguments(
            "intersection within a term; disjoint names conflict",
            pod("p")
                .requiredTerm(
                    fieldTerm(
                        req("metadata.name", "In", "node-1"), req("metadata.name", "In", "node-2")))
                .build(),
            Set.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void nodeNames(String name, Pod pod, Set<String> expected) {
    assertThat(NodeAffinity.nodeNames(pod)).isEqualTo(expected);
  }

  static Stream<Arguments> score() {
    Node a = node("a").label("disk", "ssd").label("zone", "a").build();
    Node b = node("b").label("disk", "ssd").build();
    Node c = node("c").build();
    return Stream.of(
        arguments(
            "no preferences: nothing scored",
            pod("p").build(),
            List.of(a, b, c),
            new long[] {0, 0, 0}),
        arguments(
            "weights of matching terms summed, best scaled to 100",
            pod("p")
                .preferred(10, term(req("disk", "In", "ssd")))
                .preferred(30, term(req("zone", "In", "a")))
                .build(),
            List.of(a, b, c),
            new long[] {100, 25, 0}),
        arguments(
            "terms with weight 0 do not count",
            pod("p").preferred(0, term(req("disk", "In", "ssd"))).build(),
            List.of(a, b, c),
            new long[] {0, 0, 0}),
        arguments(
            "no node matches: all 0",
            pod("p").preferred(5, term(req("gpu", "Exists"))).build(),
            List.of(a, b, c),
            new long[] {0, 0, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void score(String name, Pod pod, List<Node> nodes, long[] expected) {
    List<NodeInfo> infos = nodes.stream().map(n -> NodeInfo.of(n)).toList();
    long[] scores = new long[infos.size()];
    plugin.score(PodInfo.of(pod), infos, infos, scores);
    assertThat(scores).as(Arrays.toString(scores)).containsExactly(expected);
  }

  static Stream<Arguments> hints() {
    Node plain = node("n").build();
    Node labelled = node("n").label("disk", "ssd").build();
    return Stream.of(
        arguments("matching node added", new ClusterEvent.NodeAdded(labelled), true),
        arguments("other node added", new ClusterEvent.NodeAdded(plain), false),
        arguments("node gets the label", new ClusterEvent.NodeUpdated(plain, labelled), true),
        arguments("node already matched", new ClusterEvent.NodeUpdated(labelled, labelled), false),
        arguments("node loses the label", new ClusterEvent.NodeUpdated(labelled, plain), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hints(String name, ClusterEvent event, boolean requeue) {
    PodInfo p = PodInfo.of(pod("p").nodeSelector("disk", "ssd").build());
    assertThat(plugin.isSchedulableAfter(p, event)).isEqualTo(requeue);
  }
}
