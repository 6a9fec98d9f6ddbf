package io.skiff.api.table;

import static io.skiff.api.table.Fixtures.NOW;
import static io.skiff.api.table.Fixtures.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TablesTest {

  private static final Tables TABLES = Tables.builtin();
  private static final ObjectCodec CODEC = new ObjectCodec();
  private static final Function<Object, JsonNode> TO_JSON = CODEC::toTree;

  // Upstream's column names in order; '*' marks the priority-1 (wide) ones.
  static Stream<Arguments> columns() {
    String event =
        "Last Seen,Type,Reason,Object,*Subobject,*Source,Message,*First Seen,*Count,*Name";
    return Stream.of(
        Arguments.of(
            Pod.class, "Name,Ready,Status,Restarts,Age,*IP,*Node,*Nominated Node,*Readiness Gates"),
        Arguments.of(
            Node.class,
            "Name,Status,Roles,Age,Version,*Internal-IP,*External-IP,*OS-Image,*Kernel-Version,"
                + "*Container-Runtime"),
        Arguments.of(Namespace.class, "Name,Status,Age"),
        Arguments.of(Service.class, "Name,Type,Cluster-IP,External-IP,Port(s),Age,*Selector"),
        Arguments.of(Endpoints.class, "Name,Endpoints,Age"),
        Arguments.of(ConfigMap.class, "Name,Data,Age"),
        Arguments.of(Secret.class, "Name,Type,Data,Age"),
        Arguments.of(ServiceAccount.class, "Name,Secrets,Age"),
        Arguments.of(Event.class, event),
        Arguments.of(io.fabric8.kubernetes.api.model.events.v1.Event.class, event),
        Arguments.of(
            ReplicationController.class,
            "Name,Desired,Current,Ready,Age,*Containers,*Images,*Selector"),
        Arguments.of(
            PersistentVolume.class,
            "Name,Capacity,Access Modes,Reclaim Policy,Status,Claim,StorageClass,"
                + "VolumeAttributesClass,Reason,Age,*VolumeMode"),
        Arguments.of(
            PersistentVolumeClaim.class,
            "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age,"
                + "*VolumeMode"),
        Arguments.of(
            Deployment.class, "Name,Ready,Up-to-date,Available,Age,*Containers,*Images,*Selector"),
        Arguments.of(
            ReplicaSet.class, "Name,Desired,Current,Ready,Age,*Containers,*Images,*Selector"),
        Arguments.of(StatefulSet.class, "Name,Ready,Age,*Containers,*Images"),
        Arguments.of(
            DaemonSet.class,
            "Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age,*Containers,"
                + "*Images,*Selector"),
        Arguments.of(ControllerRevision.class, "Name,Controller,Revision,Age"),
        Arguments.of(
            Job.class, "Name,Status,Completions,Duration,Age,*Containers,*Images,*Selector"),
        Arguments.of(
            CronJob.class,
            "Name,Schedule,Timezone,Suspend,Active,Last Schedule,Age,*Containers,*Images,*Selector"),
        Arguments.of(Lease.class, "Name,Holder,Age"),
        Arguments.of(
            PodDisruptionBudget.class,
            "Name,Min Available,Max Unavailable,Allowed Disruptions,Age"),
        Arguments.of(PodTemplate.class, "Name,Created At"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void columns(Class<?> kind, String want) {
    List<String> names =
        TABLES.columns(kind).stream().map(c -> (c.priority() == 1 ? "*" : "") + c.name()).toList();
    assertThat(String.join(",", names)).isEqualTo(want);
  }

  @Test
  void everyServedKindHasItsOwnPrinter() {
    assertThat(ResourceRegistry.builtin().all())
        .allSatisfy(t -> assertThat(TABLES.hasPrinter(t.type())).as(t.kind()).isTrue());
  }

  @Test
  void anEmptyObjectOfEveryKindFillsEveryColumn() throws ReflectiveOperationException {
    for (ResourceType t : ResourceRegistry.builtin().all()) {
      HasMetadata empty = t.type().getDeclaredConstructor().newInstance();
      assertThat(TABLES.row(empty, NOW).cells())
          .as(t.kind())
          .hasSameSizeAs(TABLES.columns(t.type()));
    }
  }

  @Test
  void onlyTheNameColumnHasAFormat() {
    for (ResourceType t : ResourceRegistry.builtin().all()) {
      assertThat(TABLES.columns(t.type()))
          .as(t.kind())
          .allSatisfy(c -> assertThat(c.format()).isEqualTo(c.name().equals("Name") ? "name" : ""))
          .allSatisfy(c -> assertThat(c.description()).isNotBlank());
    }
  }

  @Test
  void aTableAsKubectlReadsIt() {
    ObjectNode table =
        TABLES.table(
            List.of(seedDeployment()),
            Deployment.class,
            IncludeObject.METADATA,
            true,
            "1234",
            NOW,
            TO_JSON);

    assertThat(table.get("kind").asText()).isEqualTo("Table");
    assertThat(table.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.get("metadata").toString()).isEqualTo("{\"resourceVersion\":\"1234\"}");
    assertThat(table.get("columnDefinitions")).hasSize(8);
    assertThat(table.get("columnDefinitions").get(1).toString())
        .isEqualTo(
            "{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\","
                + "\"description\":\"Number of the pod with ready state\",\"priority\":0}");
    assertThat(table.get("columnDefinitions").get(5).get("priority").asInt()).isEqualTo(1);
    assertThat(table.get("columnDefinitions").get(0).get("format").asText()).isEqualTo("name");

    JsonNode row = table.get("rows").get(0);
    assertThat(row.get("cells").toString())
        .isEqualTo(
            "[\"nginx-deployment\",\"3/3\",3,3,\"5m\",\"nginx\",\"nginx:1.14.2\",\"app=nginx\"]");
    assertThat(row.has("conditions")).isFalse();
    JsonNode object = row.get("object");
    assertThat(object.get("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(object.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(object.get("metadata")).isEqualTo(CODEC.toTree(seedDeployment().getMetadata()));
    assertThat(object.get("metadata").get("labels").get("app").asText()).isEqualTo("nginx");
    assertThat(object.has("spec")).isFalse();
  }

  @Test
  void theWholeObjectWhenAskedFor() {
    ObjectNode table =
        TABLES.table(
            List.of(seedDeployment()),
            Deployment.class,
            IncludeObject.OBJECT,
            true,
            "1",
            NOW,
            TO_JSON);
    assertThat(table.get("rows").get(0).get("object")).isEqualTo(CODEC.toTree(seedDeployment()));
  }

  @Test
  void noObjectIsANullObject() {
    ObjectNode table =
        TABLES.table(
            List.of(seedDeployment()),
            Deployment.class,
            IncludeObject.NONE,
            true,
            "1",
            NOW,
            TO_JSON);
    JsonNode row = table.get("rows").get(0);
    assertThat(row.has("object")).isTrue();
    assertThat(row.get("object").isNull()).isTrue();
  }

  @Test
  void laterWatchEventsCarryNoColumnDefinitions() {
    ObjectNode table =
        TABLES.table(
            List.of(seedDeployment()),
            Deployment.class,
            IncludeObject.METADATA,
            false,
            "7",
            NOW,
            TO_JSON);
    assertThat(table.get("columnDefinitions").isNull()).isTrue();
    assertThat(table.get("rows")).hasSize(1);
  }

  @Test
  void anEmptyListWithoutResourceVersion() {
    ObjectNode table =
        TABLES.table(List.of(), Pod.class, IncludeObject.METADATA, true, null, NOW, TO_JSON);
    assertThat(table.get("metadata").toString()).isEqualTo("{}");
    assertThat(table.get("rows").toString()).isEqualTo("[]");
    assertThat(table.get("columnDefinitions")).hasSize(9);
  }

  @Test
  void finishedPodRowsCarryConditions() {
    Pod pod =
        new PodBuilder()
            .withMetadata(meta("pi-x7k2p"))
            .withNewStatus()
            .withPhase("Succeeded")
            .endStatus()
            .build();
    JsonNode row =
        TABLES
            .table(List.of(pod), Pod.class, IncludeObject.NONE, true, "1", NOW, TO_JSON)
            .get("rows")
            .get(0);
    assertThat(row.get("conditions").toString())
        .isEqualTo(
            "[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\","
                + "\"message\":\"The pod has completed successfully.\"}]");
  }

  @Test
  void kindsWithoutPrinterGetUpstreamsDefaultColumns() {
    PodTemplate template = new PodTemplate();
    template.setMetadata(meta("tmpl"));
    ObjectNode table =
        TABLES.table(
            List.of(template, new PodTemplate()),
            PodTemplate.class,
            IncludeObject.NONE,
            true,
            "",
            NOW,
            TO_JSON);
    assertThat(table.get("columnDefinitions").get(1).get("type").asText()).isEqualTo("date");
    assertThat(table.get("rows").get(0).get("cells").toString())
        .isEqualTo("[\"tmpl\",\"2024-06-01T11:55:00Z\"]");
    assertThat(table.get("rows").get(1).get("cells").toString())
        .isEqualTo("[\"\",\"0001-01-01T00:00:00Z\"]");
  }

  @Test
  void objectsOfAnotherKindAreRefused() {
    assertThatThrownBy(
            () ->
                TABLES.table(
                    List.of(new Pod()),
                    Deployment.class,
                    IncludeObject.NONE,
                    true,
                    "",
                    NOW,
                    TO_JSON))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void includeObjectParsesAsTheQueryParameter() {
    assertThat(IncludeObject.parse(null)).isEqualTo(IncludeObject.METADATA);
    assertThat(IncludeObject.parse("")).isEqualTo(IncludeObject.METADATA);
    assertThat(IncludeObject.parse("None")).isEqualTo(IncludeObject.NONE);
    assertThat(IncludeObject.parse("Metadata")).isEqualTo(IncludeObject.METADATA);
    assertThat(IncludeObject.parse("Object")).isEqualTo(IncludeObject.OBJECT);
    assertThatThrownBy(() -> IncludeObject.parse("object"))
        .hasMessage("unrecognized includeObject value: \"object\"");
  }

  static Deployment seedDeployment() {
    return new DeploymentBuilder()
        .withMetadata(meta("nginx-deployment"))
        .editMetadata()
        .addToLabels("app", "nginx")
        .withResourceVersion("1234")
        .withUid("6f1c9a52-8a3e-4b5f-9c1d-2e7f0a4b3c21")
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "nginx").build())
        .withTemplate(WorkloadPrintersTest.template("nginx", "nginx:1.14.2"))
        .endSpec()
        .withNewStatus()
        .withReplicas(3)
        .withReadyReplicas(3)
        .withUpdatedReplicas(3)
        .withAvailableReplicas(3)
        .endStatus()
        .build();
  }
}
