package io.skiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceRegistryTest {

  private final ResourceRegistry registry = ResourceRegistry.builtin();

  static Stream<Arguments> upstreamNames() {
    // group, plural, kind, namespaced, short name, in category "all"
    return Stream.of(
        Arguments.of("", "pods", "Pod", true, "po", true),
        Arguments.of("", "nodes", "Node", false, "no", false),
        Arguments.of("", "namespaces", "Namespace", false, "ns", false),
        Arguments.of("", "services", "Service", true, "svc", true),
        Arguments.of("", "replicationcontrollers", "ReplicationController", true, "rc", true),
        Arguments.of("", "persistentvolumes", "PersistentVolume", false, "pv", false),
        Arguments.of("", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", false),
        Arguments.of("apps", "deployments", "Deployment", true, "deploy", true),
        Arguments.of("apps", "replicasets", "ReplicaSet", true, "rs", true),
        Arguments.of("apps", "statefulsets", "StatefulSet", true, "sts", true),
        Arguments.of("apps", "daemonsets", "DaemonSet", true, "ds", true),
        Arguments.of("batch", "cronjobs", "CronJob", true, "cj", true),
        Arguments.of("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", false));
  }

  @ParameterizedTest(name = "{1}.{0}")
  @MethodSource("upstreamNames")
  void resourcesAreNamedAsUpstream(
      String group, String plural, String kind, boolean namespaced, String shortName, boolean all) {
    ResourceType t = registry.byResource(group, "v1", plural).orElseThrow();
    assertThat(t.kind()).isEqualTo(kind);
    assertThat(t.namespaced()).isEqualTo(namespaced);
    assertThat(t.shortNames()).contains(shortName);
    assertThat(t.categories().contains("all")).isEqualTo(all);
    assertThat(registry.byKind(t.apiVersion(), kind)).contains(t);
    assertThat(HasMetadata.getKind(t.type())).isEqualTo(kind);
    assertThat(HasMetadata.getApiVersion(t.type())).isEqualTo(t.apiVersion());
  }

  @Test
  void keysSeparateResourcesAndNamespaces() {
    ResourceType deploy = registry.byResource("apps", "v1", "deployments").orElseThrow();
    ResourceType node = registry.byResource("", "v1", "nodes").orElseThrow();
    assertThat(deploy.key("default", "web")).isEqualTo("/registry/apps/deployments/default/web");
    assertThat(node.key("ignored", "n1")).isEqualTo("/registry/core/nodes/n1");
    assertThat(deploy.qualifiedResource()).isEqualTo("deployments.apps");
    assertThat(node.qualifiedResource()).isEqualTo("nodes");
  }

  @Test
  void groupVersionsListCoreFirst() {
    assertThat(registry.groupVersions())
        .containsExactly(
            "v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "events.k8s.io/v1", "policy/v1");
    assertThat(registry.byResource("", "v1", "deployments")).isEmpty();
  }
}
