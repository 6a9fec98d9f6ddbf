package io.skiff.controllers.namespace;

import static io.skiff.controllers.testcluster.Fixtures.configMap;
import static io.skiff.controllers.testcluster.Fixtures.deployment;
import static io.skiff.controllers.testcluster.Fixtures.namespace;
import static io.skiff.controllers.testcluster.Fixtures.pod;
import static io.skiff.controllers.testcluster.Fixtures.podOn;
import static io.skiff.controllers.testcluster.Fixtures.withFinalizer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.patch.PatchType;
import io.skiff.controllers.testcluster.Action;
import io.skiff.controllers.testcluster.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One pass of the namespace deleter at a time, against the in-process registry. */
class NamespacedResourcesDeleterTest {

  private static final String NS = "team";
  private static final String HOLD = "example.com/hold";

  private final TestCluster c = new TestCluster();
  private final NamespacedResourcesDeleter deleter =
      new NamespacedResourcesDeleter(c.client, ResourceRegistry.builtin(), c.clock);

  @AfterEach
  void close() {
    c.close();
  }

  private void deleteNamespace() {
    c.client.resources(Namespace.class).delete(null, NS, null);
  }

  private Map<String, NamespaceCondition> conditions() {
    return c.get(Namespace.class, null, NS).orElseThrow().getStatus().getConditions().stream()
        .collect(Collectors.toMap(NamespaceCondition::getType, x -> x));
  }

  @Test
  void emptiesTheNamespaceThenReleasesIt() {
    c.create(namespace(NS));
    c.create(configMap(NS, "a"));
    c.create(deployment(NS, "web"));
    c.create(pod(NS, "p"));
    c.create(configMap("default", "elsewhere"));
    deleteNamespace();

    assertThat(deleter.delete(NS)).isZero();

    assertThat(c.get(Namespace.class, null, NS)).isEmpty();
    assertThat(c.list(ConfigMap.class, NS)).isEmpty();
    assertThat(c.list(Deployment.class, NS)).isEmpty();
    assertThat(c.list(Pod.class, NS)).isEmpty();
    assertThat(c.get(ConfigMap.class, "default", "elsewhere")).isPresent();
    // Content went in the background, so that nothing was orphaned; the namespace went through
    // /finalize without its finalizer.
    assertThat(c.actions())
        .filteredOn(a -> a.verb().equals("delete") && !a.resource().equals("namespaces"))
        .extracting(a -> a.deleteOptions().getPropagationPolicy())
        .hasSize(3)
        .containsOnly("Background");
    Action finalize = c.actions().getLast();
    assertThat(finalize.verb()).isEqualTo("update");
    assertThat(finalize.subresource()).isEqualTo("finalize");
    assertThat(((Namespace) finalize.body()).getSpec().getFinalizers()).isEmpty();
  }

  @Test
  void aNamespaceNotBeingDeletedIsLeftAlone() {
    c.create(namespace(NS));
    c.create(configMap(NS, "a"));
    c.clearActions();

    assertThat(deleter.delete(NS)).isZero();
    assertThat(deleter.delete("no-such-namespace")).isZero();

    assertThat(c.actions()).isEmpty();
    assertThat(c.get(ConfigMap.class, NS, "a")).isPresent();
  }

  @Test
  void contentHeldByFinalizersIsReportedAndWaitedFor() {
    c.create(namespace(NS));
    c.create(withFinalizer(configMap(NS, "held"), HOLD));
    c.create(configMap(NS, "free"));
    deleteNamespace();

    assertThat(deleter.delete(NS)).isEqualTo(NamespacedResourcesDeleter.FINALIZER_ESTIMATE_SECONDS);

    Namespace ns = c.get(Namespace.class, null, NS).orElseThrow();
    assertThat(ns.getStatus().getPhase()).isEqualTo("Terminating");
    assertThat(ns.getSpec().getFinalizers()).containsExactly("kubernetes");
    Map<String, NamespaceCondition> cs = conditions();
    assertThat(cs.get("NamespaceContentRemaining"))
        .extracting(
            NamespaceCondition::getStatus,
            NamespaceCondition::getReason,
            NamespaceCondition::getMessage)
        .containsExactly(
            "True",
            "SomeResourcesRemain",
            "Some resources are remaining: configmaps. has 1 resource instances");
    assertThat(cs.get("NamespaceFinalizersRemaining"))
        .extracting(
            NamespaceCondition::getStatus,
            NamespaceCondition::getReason,
            NamespaceCondition::getMessage)
        .containsExactly(
            "True",
            "SomeFinalizersRemain",
            "Some content in the namespace has finalizers remaining: example.com/hold in 1"
                + " resource instances");
    assertThat(cs.get("NamespaceDeletionContentFailure"))
        .extracting(NamespaceCondition::getStatus, NamespaceCondition::getReason)
        .containsExactly("False", "ContentDeleted");
    assertThat(cs.get("NamespaceDeletionDiscoveryFailure").getMessage())
        .isEqualTo("All resources successfully discovered");
    assertThat(cs.get("NamespaceDeletionGroupVersionParsingFailure").getReason())
        .isEqualTo("ParsedGroupVersions");
    assertThat(ns.getStatus().getConditions())
        .extracting(NamespaceCondition::getType)
        .containsExactlyElementsOf(NamespaceConditions.TYPES);
    String firstTransition = cs.get("NamespaceContentRemaining").getLastTransitionTime();

    // The same state again writes nothing.
    c.clearActions();
    c.clock.advance(Duration.ofSeconds(8));
    deleter.delete(NS);
    assertThat(c.actions()).noneMatch(a -> a.resource().equals("namespaces"));

    c.client
        .resources(ConfigMap.class)
        .patch(NS, "held", PatchType.MERGE_PATCH, "{\"metadata\":{\"finalizers\":null}}");
    c.clock.advance(Duration.ofSeconds(8));
    assertThat(deleter.delete(NS)).isZero();
    assertThat(c.get(Namespace.class, null, NS)).isEmpty();
    assertThat(firstTransition).isEqualTo("2024-01-01T00:00:00Z");
  }

  @Test
  void podsStoppingGracefullyAreWaitedForUpToTheirGracePeriod() {
    c.create(namespace(NS));
    Pod running = podOn(NS, "p", "node-1");
    running.getSpec().setTerminationGracePeriodSeconds(30L);
    c.create(running);
    deleteNamespace();

    // Bound to a node, the pod has 30 s to stop; the namespace waits for it.
    assertThat(deleter.delete(NS)).isEqualTo(30);
    assertThat(c.get(Pod.class, NS, "p").orElseThrow().getMetadata().getDeletionTimestamp())
        .isNotNull();

    // Past the grace period a pod still there is unexpected: no kubelet finished it.
    c.clock.advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> deleter.delete(NS))
        .isInstanceOf(NamespacedResourcesDeleter.ContentDeletionException.class)
        .hasMessage("unexpected items still remain in namespace: team for gvr: { v1 pods}");
    NamespaceCondition failure = conditions().get("NamespaceDeletionContentFailure");
    assertThat(failure.getStatus()).isEqualTo("True");
    assertThat(failure.getReason()).isEqualTo("ContentDeletionFailed");
    assertThat(failure.getMessage())
        .isEqualTo(
            "Failed to delete all resource types, 1 remaining: unexpected items still remain in"
                + " namespace: team for gvr: { v1 pods}");
    assertThat(failure.getLastTransitionTime()).isEqualTo("2024-01-01T00:00:30Z");
    assertThat(c.get(Namespace.class, null, NS).orElseThrow().getSpec().getFinalizers())
        .containsExactly("kubernetes");

    // The kubelet's final delete; then the namespace goes, and the failure clears.
    c.client
        .resources(Pod.class)
        .delete(
            NS,
            "p",
            new io.fabric8.kubernetes.api.model.DeleteOptionsBuilder()
                .withGracePeriodSeconds(0L)
                .build());
    assertThat(deleter.delete(NS)).isZero();
    assertThat(c.get(Namespace.class, null, NS)).isEmpty();
  }

  @Test
  void otherSpecFinalizersKeepTheNamespaceAfterItsContentIsGone() {
    Namespace ns = namespace(NS);
    ns.setSpec(new io.fabric8.kubernetes.api.model.NamespaceSpec(List.of("example.com/other")));
    c.create(ns);
    c.create(configMap(NS, "a"));
    deleteNamespace();

    assertThat(deleter.delete(NS)).isZero();

    Namespace left = c.get(Namespace.class, null, NS).orElseThrow();
    assertThat(left.getSpec().getFinalizers()).containsExactly("example.com/other");
    assertThat(c.list(ConfigMap.class, NS)).isEmpty();
    // Another pass finds nothing to delete and writes the same finalizers: nothing changes.
    assertThat(deleter.delete(NS)).isZero();
    assertThat(c.get(Namespace.class, null, NS).orElseThrow().getMetadata().getResourceVersion())
        .isEqualTo(left.getMetadata().getResourceVersion());
  }
}
