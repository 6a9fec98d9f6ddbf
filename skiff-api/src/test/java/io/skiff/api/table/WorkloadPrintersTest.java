package io.skiff.api.table;

import static io.skiff.api.table.Fixtures.NOW;
import static io.skiff.api.table.Fixtures.ago;
import static io.skiff.api.table.Fixtures.meta;
import static io.skiff.api.table.Fixtures.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkloadPrintersTest {

  @Test
  void theSeedDeployment() {
    Deployment d =
        new DeploymentBuilder()
            .withMetadata(meta("nginx-deployment"))
            .withNewSpec()
            .withReplicas(3)
            .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "nginx").build())
            .withTemplate(template("nginx", "nginx:1.14.2"))
            .endSpec()
            .withNewStatus()
            .withReplicas(3)
            .withReadyReplicas(3)
            .withUpdatedReplicas(3)
            .withAvailableReplicas(3)
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.DEPLOYMENT.print(d, NOW).cells())
        .containsExactly(
            "nginx-deployment", "3/3", 3L, 3L, "5m", "nginx", "nginx:1.14.2", "app=nginx");
  }

  @Test
  void aDeploymentMidRollout() {
    Deployment d =
        new DeploymentBuilder()
            .withMetadata(meta("pc-deployment"))
            .editMetadata()
            .withCreationTimestamp(minutesAgo(172))
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "nginx-pod").build())
            .withTemplate(template("nginx", "nginx:1.15"))
            .endSpec()
            .withNewStatus()
            .withReadyReplicas(4)
            .withUpdatedReplicas(1)
            .withAvailableReplicas(4)
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.DEPLOYMENT.print(d, NOW).cells())
        .containsExactly(
            "pc-deployment", "4/3", 1L, 4L, "172m", "nginx", "nginx:1.15", "app=nginx-pod");
  }

  @Test
  void aDeploymentShowsAnEmptySelectorAsEmpty() {
    Deployment d =
        new DeploymentBuilder()
            .withMetadata(meta("d"))
            .withNewSpec()
            .withSelector(new LabelSelectorBuilder().build())
            .endSpec()
            .build();
    assertThat(WorkloadPrinters.DEPLOYMENT.print(d, NOW).cells())
        .containsExactly("d", "0/0", 0L, 0L, "5m", "", "", "");
  }

  @Test
  void theSeedReplicaSet() {
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withMetadata(meta("nginx3-c5d7c9466"))
            .editMetadata()
            .withCreationTimestamp(minutesAgo(230))
            .endMetadata()
            .withNewSpec()
            .withReplicas(1)
            .withSelector(
                new LabelSelectorBuilder()
                    .addToMatchLabels("pod-template-hash", "c5d7c9466")
                    .addToMatchLabels("app", "nginx3")
                    .build())
            .withTemplate(template("nginx", "nginx:1.14"))
            .endSpec()
            .withNewStatus()
            .withReplicas(1)
            .withReadyReplicas(1)
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.REPLICA_SET.print(rs, NOW).cells())
        .containsExactly(
            "nginx3-c5d7c9466",
            1L,
            1L,
            1L,
            "3h50m",
            "nginx",
            "nginx:1.14",
            "app=nginx3,pod-template-hash=c5d7c9466");
  }

  @Test
  void aReplicaSetWithoutSelectorShowsNone() {
    assertThat(WorkloadPrinters.REPLICA_SET.print(new ReplicaSet(), NOW).cells())
        .containsExactly("", 0L, 0L, 0L, "<unknown>", "", "", "<none>");
  }

  @Test
  void aStatefulSetTwoOfThreeReady() {
    StatefulSet sts =
        new StatefulSetBuilder()
            .withMetadata(meta("web"))
            .withNewSpec()
            .withReplicas(3)
            .withTemplate(
                new PodTemplateSpecBuilder()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("nginx")
                    .withImage("registry.k8s.io/nginx-slim:0.8")
                    .endContainer()
                    .addNewContainer()
                    .withName("sidecar")
                    .withImage("busybox")
                    .endContainer()
                    .endSpec()
                    .build())
            .endSpec()
            .withNewStatus()
            .withReplicas(3)
            .withReadyReplicas(2)
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.STATEFUL_SET.print(sts, NOW).cells())
        .containsExactly(
            "web", "2/3", "5m", "nginx,sidecar", "registry.k8s.io/nginx-slim:0.8,busybox");
  }

  @Test
  void aDaemonSetWithANodeSelector() {
    PodTemplateSpec template = template("fluentd", "fluentd:v2.5.2");
    template.getSpec().setNodeSelector(Map.of("kubernetes.io/os", "linux", "disktype", "ssd"));
    DaemonSet ds =
        new DaemonSetBuilder()
            .withMetadata(meta("fluentd-elasticsearch"))
            .withNewSpec()
            .withSelector(
                new LabelSelectorBuilder()
                    .addToMatchLabels("name", "fluentd-elasticsearch")
                    .addToMatchExpressions(
                        new LabelSelectorRequirement("tier", "In", List.of("logging", "infra")))
                    .build())
            .withTemplate(template)
            .endSpec()
            .withNewStatus()
            .withDesiredNumberScheduled(3)
            .withCurrentNumberScheduled(3)
            .withNumberReady(2)
            .withUpdatedNumberScheduled(3)
            .withNumberAvailable(2)
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.DAEMON_SET.print(ds, NOW).cells())
        .containsExactly(
            "fluentd-elasticsearch",
            3L,
            3L,
            2L,
            3L,
            2L,
            "disktype=ssd,kubernetes.io/os=linux",
            "5m",
            "fluentd",
            "fluentd:v2.5.2",
            "name=fluentd-elasticsearch,tier in (infra,logging)");
  }

  @Test
  void aDaemonSetWithoutNodeSelectorShowsNone() {
    DaemonSet ds =
        new DaemonSetBuilder()
            .withMetadata(meta("ds"))
            .withNewSpec()
            .withTemplate(template("c", "i"))
            .endSpec()
            .build();
    assertThat(WorkloadPrinters.DAEMON_SET.print(ds, NOW).cells().get(6)).isEqualTo("<none>");
  }

  @Test
  void aCompletedJob() {
    Job job =
        new JobBuilder()
            .withMetadata(meta("pi"))
            .withNewSpec()
            .withCompletions(1)
            .withParallelism(1)
            .withSelector(
                new LabelSelectorBuilder()
                    .addToMatchLabels("batch.kubernetes.io/controller-uid", "63a8b4ab")
                    .build())
            .withTemplate(template("pi", "perl:5.34.0"))
            .endSpec()
            .withNewStatus()
            .withSucceeded(1)
            .withStartTime(minutesAgo(4))
            .withCompletionTime(ago(Duration.ofMinutes(4).minusSeconds(12)))
            .withConditions(
                new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True").build(),
                new JobConditionBuilder().withType("Complete").withStatus("True").build())
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.JOB.print(job, NOW).cells())
        .containsExactly(
            "pi",
            "Complete",
            "1/1",
            "12s",
            "5m",
            "pi",
            "perl:5.34.0",
            "batch.kubernetes.io/controller-uid=63a8b4ab");
  }

  static Stream<Arguments> jobs() {
    return Stream.of(
        Arguments.of("not started", job(null, null, null, null), "Running", "0/1", ""),
        Arguments.of(
            "just started, parallel",
            job(null, 3, minutesAgo(0), null),
            "Running",
            "0/1 of 3",
            "0s"),
        Arguments.of(
            "parallel, running",
            job(5, 2, ago(Duration.ofSeconds(190)), null),
            "Running",
            "0/5",
            "3m10s"),
        Arguments.of("failed", job(1, null, minutesAgo(2), "Failed"), "Failed", "0/1", "2m"),
        Arguments.of("suspended", job(1, null, null, "Suspended"), "Suspended", "0/1", ""),
        Arguments.of(
            "failing", job(1, null, minutesAgo(2), "FailureTarget"), "FailureTarget", "0/1", "2m"),
        Arguments.of(
            "terminating",
            new JobBuilder(job(1, null, null, "Suspended"))
                .editMetadata()
                .withDeletionTimestamp(minutesAgo(1))
                .endMetadata()
                .build(),
            "Terminating",
            "0/1",
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void jobs(String name, Job job, String status, String completions, String duration) {
    assertThat(WorkloadPrinters.JOB.print(job, NOW).cells().subList(1, 4))
        .containsExactly(status, completions, duration);
  }

  @Test
  void aCronJob() {
    CronJob cj =
        new CronJobBuilder()
            .withMetadata(meta("hello"))
            .withNewSpec()
            .withSchedule("*/1 * * * *")
            .withSuspend(false)
            .withNewJobTemplate()
            .withNewSpec()
            .withTemplate(template("hello", "busybox:1.28"))
            .endSpec()
            .endJobTemplate()
            .endSpec()
            .withNewStatus()
            .withActive(new ObjectReference())
            .withLastScheduleTime(ago(Duration.ofSeconds(30)))
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.CRON_JOB.print(cj, NOW).cells())
        .containsExactly(
            "hello",
            "*/1 * * * *",
            "<none>",
            "False",
            1L,
            "30s",
            "5m",
            "hello",
            "busybox:1.28",
            "<none>");
  }

  @Test
  void aSuspendedCronJobInATimeZoneNeverScheduled() {
    CronJob cj =
        new CronJobBuilder()
            .withMetadata(meta("nightly"))
            .withNewSpec()
            .withSchedule("0 3 * * *")
            .withTimeZone("Europe/Paris")
            .withSuspend(true)
            .endSpec()
            .build();
    assertThat(WorkloadPrinters.CRON_JOB.print(cj, NOW).cells().subList(1, 6))
        .containsExactly("0 3 * * *", "Europe/Paris", "True", 0L, "<none>");
    cj.getSpec().setSuspend(null);
    assertThat(WorkloadPrinters.CRON_JOB.print(cj, NOW).cells().get(3)).isEqualTo("<unset>");
  }

  @Test
  void aReplicationController() {
    ReplicationController rc =
        new ReplicationControllerBuilder()
            .withMetadata(meta("nginx"))
            .withNewSpec()
            .withReplicas(3)
            .withSelector(Map.of("app", "nginx"))
            .withTemplate(template("nginx", "nginx"))
            .endSpec()
            .withNewStatus()
            .withReplicas(3)
            .withReadyReplicas(2)
            .endStatus()
            .build();
    assertThat(WorkloadPrinters.REPLICATION_CONTROLLER.print(rc, NOW).cells())
        .containsExactly("nginx", 3L, 3L, 2L, "5m", "nginx", "nginx", "app=nginx");
    assertThat(
            WorkloadPrinters.REPLICATION_CONTROLLER.print(new ReplicationController(), NOW).cells())
        .containsExactly("", 0L, 0L, 0L, "<unknown>", "", "", "<none>");
  }

  static Stream<Arguments> controllerRevisions() {
    return Stream.of(
        Arguments.of("apps/v1", "StatefulSet", "web", true, "statefulset.apps/web"),
        Arguments.of("apps/v1", "DaemonSet", "fluentd", true, "daemonset.apps/fluentd"),
        Arguments.of("v1", "Pod", "p", true, "pod/p"),
        Arguments.of("apps/v1", "StatefulSet", "web", false, "<none>"));
  }

  @ParameterizedTest(name = "{0} {1} controller={3} -> {4}")
  @MethodSource
  void controllerRevisions(
      String apiVersion, String kind, String owner, boolean controller, String want) {
    ControllerRevision cr =
        new ControllerRevisionBuilder()
            .withMetadata(meta("web-7b9c5d8f6"))
            .editMetadata()
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(apiVersion)
                    .withKind(kind)
                    .withName(owner)
                    .withController(controller)
                    .build())
            .endMetadata()
            .withRevision(2L)
            .build();
    assertThat(WorkloadPrinters.CONTROLLER_REVISION.print(cr, NOW).cells())
        .containsExactly("web-7b9c5d8f6", want, 2L, "5m");
  }

  static Job job(Integer completions, Integer parallelism, String started, String condition) {
    JobBuilder b =
        new JobBuilder()
            .withMetadata(meta("job"))
            .withNewSpec()
            .withCompletions(completions)
            .withParallelism(parallelism)
            .endSpec()
            .withNewStatus()
            .withStartTime(started)
            .endStatus();
    if (condition != null) {
      b.editStatus()
          .addToConditions(new JobConditionBuilder().withType(condition).withStatus("True").build())
          .endStatus();
    }
    return b.build();
  }

  static PodTemplateSpec template(String container, String image) {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .addNewContainer()
        .withName(container)
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }
}
