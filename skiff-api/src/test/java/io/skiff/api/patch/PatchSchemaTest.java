package io.skiff.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PatchSchemaTest {

  /** The patchStrategy/patchMergeKey tags of k8s.io/api 1.28 (reference F.4). */
  @ParameterizedTest(name = "{1} {2}: {3} {4}")
  @CsvSource({
    "v1, Pod, spec.containers, MERGE, name",
    "v1, Pod, spec.initContainers, MERGE, name",
    "v1, Pod, spec.ephemeralContainers, MERGE, name",
    "v1, Pod, spec.imagePullSecrets, MERGE, name",
    "v1, Pod, spec.schedulingGates, MERGE, name",
    "v1, Pod, spec.volumes, MERGE_RETAIN_KEYS, name",
    "v1, Pod, spec.resourceClaims, MERGE_RETAIN_KEYS, name",
    "v1, Pod, spec.hostAliases, MERGE, ip",
    "v1, Pod, spec.topologySpreadConstraints, MERGE, topologyKey",
    "v1, Pod, spec.containers.ports, MERGE, containerPort",
    "v1, Pod, spec.containers.env, MERGE, name",
    "v1, Pod, spec.containers.volumeMounts, MERGE, mountPath",
    "v1, Pod, spec.containers.volumeDevices, MERGE, devicePath",
    "v1, Pod, spec.initContainers.env, MERGE, name",
    "v1, Pod, spec.ephemeralContainers.ports, MERGE, containerPort",
    "v1, Pod, status.conditions, MERGE, type",
    "v1, Pod, status.podIPs, MERGE, ip",
    "v1, Pod, status.hostIPs, MERGE, ip",
    "v1, Pod, metadata.ownerReferences, MERGE, uid",
    "v1, Pod, metadata.finalizers, MERGE, ''",
    "apps/v1, Deployment, spec.template.spec.containers.env, MERGE, name",
    "apps/v1, Deployment, spec.template.metadata.finalizers, MERGE, ''",
    "apps/v1, Deployment, spec.strategy, RETAIN_KEYS, ''",
    "apps/v1, Deployment, status.conditions, MERGE, type",
    "apps/v1, ReplicaSet, spec.template.spec.containers, MERGE, name",
    "apps/v1, ReplicaSet, status.conditions, MERGE, type",
    "apps/v1, StatefulSet, spec.template.spec.volumes, MERGE_RETAIN_KEYS, name",
    "apps/v1, StatefulSet, status.conditions, MERGE, type",
    "apps/v1, DaemonSet, spec.template.spec.containers.ports, MERGE, containerPort",
    "apps/v1, DaemonSet, status.conditions, MERGE, type",
    "apps/v1, ControllerRevision, metadata.ownerReferences, MERGE, uid",
    "v1, ReplicationController, spec.template.spec.containers, MERGE, name",
    "v1, ReplicationController, status.conditions, MERGE, type",
    "batch/v1, Job, spec.template.spec.containers, MERGE, name",
    "batch/v1, Job, status.conditions, MERGE, type",
    "batch/v1, CronJob, spec.jobTemplate.spec.template.spec.containers.env, MERGE, name",
    "batch/v1, CronJob, spec.jobTemplate.metadata.ownerReferences, MERGE, uid",
    "v1, Node, spec.podCIDRs, MERGE, ''",
    "v1, Node, status.conditions, MERGE, type",
    "v1, Node, status.addresses, MERGE, type",
    "v1, Service, spec.ports, MERGE, port",
    "v1, Service, status.conditions, MERGE, type",
    "v1, Namespace, status.conditions, MERGE, type",
    "v1, PersistentVolumeClaim, status.conditions, MERGE, type",
    "v1, ServiceAccount, secrets, MERGE, name",
    "v1, ConfigMap, metadata.finalizers, MERGE, ''",
    "policy/v1, PodDisruptionBudget, status.conditions, MERGE, type",
    "coordination.k8s.io/v1, Lease, metadata.ownerReferences, MERGE, uid",
    // Untagged upstream, hence atomic.
    "v1, Pod, spec.tolerations, NONE, ''",
    "v1, Pod, spec.readinessGates, NONE, ''",
    "v1, Pod, spec.containers.args, NONE, ''",
    "v1, Pod, spec.containers.command, NONE, ''",
    "v1, Pod, spec.containers.envFrom, NONE, ''",
    "v1, Node, spec.taints, NONE, ''",
    "v1, Service, spec.externalIPs, NONE, ''",
    "apps/v1, StatefulSet, spec.updateStrategy, NONE, ''",
    "apps/v1, StatefulSet, spec.volumeClaimTemplates, NONE, ''",
    "apps/v1, Deployment, spec.selector.matchExpressions, NONE, ''",
  })
  void builtinTableHasUpstreamsTags(
      String apiVersion, String kind, String path, PatchStrategy strategy, String mergeKey) {
    PatchSchema schema = PatchSchema.forKind(apiVersion, kind).orElseThrow();
    PatchMeta meta = PatchMeta.NONE;
    for (String field : path.split("\\.")) {
      meta = schema.field(field);
      schema = meta.schema();
    }
    assertThat(meta.strategy()).isEqualTo(strategy);
    assertThat(meta.mergeKey()).isEqualTo(mergeKey);
  }

  static Stream<Arguments> servedKinds() {
    return ResourceRegistry.builtin().all().stream()
        .map(ResourceType::apiVersion)
        .distinct()
        .flatMap(
            v ->
                ResourceRegistry.builtin().inGroupVersion(v).stream()
                    .map(t -> Arguments.of(v, t.kind())));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("servedKinds")
  void everyServedKindHasASchema(String apiVersion, String kind) {
    PatchSchema schema = PatchSchema.forKind(apiVersion, kind).orElseThrow();

    assertThat(schema.field("metadata").schema().field("ownerReferences").mergeKey())
        .isEqualTo("uid");
  }

  @Test
  void theScaleSubresourceHasASchema() {
    assertThat(PatchSchema.forKind("autoscaling/v1", "Scale")).isPresent();
  }

  @Test
  void customResourcesHaveNoSchema() {
    assertThat(PatchSchema.forKind("example.com/v1", "Widget")).isEmpty();
    assertThat(PatchSchema.forKind("apps/v1beta1", "Deployment")).isEmpty();
  }

  @Test
  void strategiesParseInEitherOrder() {
    assertThat(PatchStrategy.parse("merge,retainKeys")).isEqualTo(PatchStrategy.MERGE_RETAIN_KEYS);
    assertThat(PatchStrategy.parse("retainKeys,merge")).isEqualTo(PatchStrategy.MERGE_RETAIN_KEYS);
    assertThat(PatchStrategy.parse(null)).isEqualTo(PatchStrategy.NONE);
    assertThat(PatchStrategy.MERGE_RETAIN_KEYS.extensionValue()).isEqualTo("merge,retainKeys");
    assertThatThrownBy(() -> PatchStrategy.parse("append"))
        .hasMessage("unknown patch strategy \"append\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "A.b  B  append               | line 2: unknown patch strategy \"append\"",
        "A.b  B  merge  name          | line 2: only lists merge",
        "A.b  B[]  retainKeys  name   | line 2: a merge key needs the merge strategy",
        "A    B                       | line 2: expected <Type>.<field>",
        "kind v1 Pod                  | line 2: expected: kind <apiVersion> <Kind> <root type>",
      })
  void malformedTablesFailWithTheLine(String line, String message) {
    assertThatThrownBy(() -> TypeGraph.parse("# header\n" + line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void fieldsMayBeDeclaredOnce() {
    assertThatThrownBy(() -> TypeGraph.parse("A.b B[] merge k\nA.b B[]"))
        .hasMessageStartingWith("line 2: field declared twice");
  }
}
