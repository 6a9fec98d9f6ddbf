package io.skiff.api.validation;

import static io.skiff.api.validation.Fixtures.defaulted;
import static io.skiff.api.validation.Fixtures.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AppsValidationTest {

  static final String MISMATCH = "`selector` does not match template `labels`";
  static final String PERCENT =
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or"
          + " '93%', regex used for validation is '[0-9]+%')";

  private static Arguments deployment(
      String name, Consumer<Deployment> mutate, String... expected) {
    return Arguments.of(name, mutate, List.of(expected));
  }

  static Stream<Arguments> deployments() {
    return Stream.of(
        deployment("valid", d -> {}),
        deployment(
            "no selector",
            d -> d.getSpec().setSelector(null),
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: "
                + MISMATCH),
        deployment(
            "empty selector",
            d -> d.getSpec().setSelector(new LabelSelector()),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for"
                + " deployment"),
        deployment(
            "selector does not match",
            d -> {
              d.getSpec().getSelector().setMatchLabels(Map.of("app", "x"));
              d.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "y"));
            },
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"y\"}: "
                + MISMATCH),
        deployment(
            "selector with a bad key",
            d -> d.getSpec().getSelector().setMatchLabels(Map.of("a b", "web")),
            "spec.selector.matchLabels: Invalid value: \"a b\": name part must consist of alphanumeric"
                + " characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is"
                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a b\":\"web\"},"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: invalid label selector"),
        deployment(
            "selector with a bad operator",
            d ->
                d.getSpec()
                    .setSelector(
                        new LabelSelectorBuilder()
                            .addNewMatchExpression()
                            .withKey("app")
                            .withOperator("Is")
                            .withValues("web")
                            .endMatchExpression()
                            .build()),
            "spec.selector.matchExpressions[0].operator: Invalid value: \"Is\": not a valid selector"
                + " operator",
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\","
                + " Operator:\"Is\", Values:[]string{\"web\"}}}}: invalid label selector"),
        deployment(
            "negative replicas",
            d -> d.getSpec().setReplicas(-1),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        deployment(
            "both surge and unavailable zero",
            d -> rolling(d, new IntOrString(0), new IntOrString(0)),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0,"
                + " IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"),
        deployment(
            "both zero percent",
            d -> rolling(d, new IntOrString("0%"), new IntOrString("0%")),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1,"
                + " IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0"),
        deployment(
            "not a percent",
            d -> rolling(d, new IntOrString("25"), new IntOrString("25%")),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1,"
                + " IntVal:0, StrVal:\"25\"}: "
                + PERCENT),
        deployment(
            "negative surge",
            d -> rolling(d, new IntOrString(1), new IntOrString(-1)),
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"),
        deployment(
            "unavailable over 100%",
            d -> rolling(d, new IntOrString("150%"), new IntOrString("200%")),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1,"
                + " IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"),
        deployment(
            "recreate with rollingUpdate",
            d -> d.getSpec().getStrategy().setType("Recreate"),
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is"
                + " 'Recreate'"),
        deployment(
            "unknown strategy",
            d -> {
              d.getSpec().getStrategy().setType("BlueGreen");
              d.getSpec().getStrategy().setRollingUpdate(null);
            },
            "spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\","
                + " RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values:"
                + " \"Recreate\", \"RollingUpdate\""),
        deployment(
            "rolling update without parameters",
            d -> d.getSpec().getStrategy().setRollingUpdate(null),
            "spec.strategy.rollingUpdate: Required value: this should be defaulted and never be nil"),
        deployment(
            "deadline not above minReadySeconds",
            d -> {
              d.getSpec().setMinReadySeconds(10);
              d.getSpec().setProgressDeadlineSeconds(5);
            },
            "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"),
        deployment(
            "negative history limit",
            d -> d.getSpec().setRevisionHistoryLimit(-1),
            "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
        deployment(
            "restart policy",
            d -> d.getSpec().getTemplate().getSpec().setRestartPolicy("Never"),
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values:"
                + " \"Always\""),
        deployment(
            "active deadline",
            d -> d.getSpec().getTemplate().getSpec().setActiveDeadlineSeconds(10L),
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet"
                + " is not Supported"),
        deployment(
            "container without image",
            d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(null),
            "spec.template.spec.containers[0].image: Required value"),
        deployment(
            "no containers",
            d -> d.getSpec().getTemplate().getSpec().setContainers(List.of()),
            "spec.template.spec.containers: Required value"),
        deployment(
            "duplicate containers",
            d ->
                d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .add(
                        new ContainerBuilder()
                            .withName("nginx")
                            .withImage("nginx")
                            .withImagePullPolicy("Always")
                            .withTerminationMessagePolicy("File")
                            .build()),
            "spec.template.spec.containers[1].name: Duplicate value: \"nginx\""),
        deployment(
            "bad name",
            d -> d.getMetadata().setName("Web_1"),
            "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of"
                + " lower case alphanumeric characters, '-' or '.', and must start and end with an"
                + " alphanumeric character (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        deployment(
            "no namespace",
            d -> d.getMetadata().setNamespace(null),
            "metadata.namespace: Required value"),
        deployment(
            "no name",
            d -> d.getMetadata().setName(null),
            "metadata.name: Required value: name or generateName is required"));
  }

  private static void rolling(Deployment d, IntOrString unavailable, IntOrString surge) {
    RollingUpdateDeployment ru = d.getSpec().getStrategy().getRollingUpdate();
    ru.setMaxUnavailable(unavailable);
    ru.setMaxSurge(surge);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployments")
  void deploymentCreate(String name, Consumer<Deployment> mutate, List<String> expected) {
    Deployment d = defaulted(Deployment.class, Fixtures.DEPLOYMENT, mutate);
    assertThat(messages(Validator.validateCreate(d))).containsExactlyElementsOf(expected);
  }

  @Test
  void invalidDeploymentBecomesTheUpstreamStatusMessage() {
    Deployment d =
        defaulted(
            Deployment.class,
            Fixtures.DEPLOYMENT,
            x -> rolling(x, new IntOrString(0), new IntOrString(0)));
    assertThatThrownBy(() -> Validator.checkCreate(d))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid"
                + " value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when"
                + " `maxSurge` is 0");
    ValidationException e = Validator.invalid(d, Validator.validateCreate(d));
    assertThat(e.kind()).isEqualTo("Deployment");
    assertThat(e.group()).isEqualTo("apps");
    assertThat(e.errors().get(0).reason()).isEqualTo("FieldValueInvalid");
    assertThat(e.errors().get(0).field()).isEqualTo("spec.strategy.rollingUpdate.maxUnavailable");
    assertThat(e.errors().get(0).body())
        .isEqualTo(
            "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when"
                + " `maxSurge` is 0");
  }

  private static Deployment stored() {
    return defaulted(
        Deployment.class,
        Fixtures.DEPLOYMENT,
        d -> {
          d.getMetadata().setResourceVersion("7");
          d.getMetadata().setUid("uid-1");
          d.getMetadata().setGeneration(1L);
          d.getMetadata().setCreationTimestamp("2024-01-02T03:04:05Z");
        });
  }

  @Test
  void deploymentScaleAndImageUpdatesAreValid() {
    Deployment old = stored();
    Deployment n = Fixtures.copy(old);
    n.getSpec().setReplicas(5);
    n.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.16.1");
    assertThat(Validator.validateUpdate(n, old)).isEmpty();
  }

  @Test
  void deploymentSelectorIsImmutable() {
    Deployment old = stored();
    Deployment n = Fixtures.copy(old);
    n.getSpec().getSelector().setMatchLabels(Map.of("app", "x2"));
    n.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "x2"));
    assertThat(messages(Validator.validateUpdate(n, old)))
        .containsExactly(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x2\"},"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
  }

  @Test
  void metadataImmutablesAreReportedByTheRegistryAndTheKind() {
    Deployment old = stored();
    Deployment n = Fixtures.copy(old);
    n.getMetadata().setUid("uid-2");
    n.getMetadata().setResourceVersion(null);
    List<String> msgs = messages(Validator.validateUpdate(n, old));
    assertThat(msgs)
        .containsExactly(
            "metadata.resourceVersion: Invalid value: \"\": must be specified for an update",
            "metadata.uid: Invalid value: \"uid-2\": field is immutable",
            "metadata.resourceVersion: Invalid value: \"\": must be specified for an update",
            "metadata.uid: Invalid value: \"uid-2\": field is immutable");
    assertThat(Validator.invalid(n, Validator.validateUpdate(n, old)).getMessage())
        .isEqualTo(
            "Deployment.apps \"web\" is invalid: [metadata.resourceVersion: Invalid value: \"\": must"
                + " be specified for an update, metadata.uid: Invalid value: \"uid-2\": field is"
                + " immutable]");
    Deployment renamed = Fixtures.copy(old);
    renamed.getMetadata().setCreationTimestamp("2025-01-01T00:00:00Z");
    assertThat(messages(Validator.validateUpdate(renamed, old)))
        .contains(
            "metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is"
                + " immutable");
  }

  static Stream<Arguments> deploymentStatuses() {
    return Stream.of(
        Arguments.of(
            (Consumer<DeploymentStatus>)
                s -> {
                  s.setReplicas(2);
                  s.setReadyReplicas(3);
                  s.setAvailableReplicas(1);
                },
            List.of(
                "status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas")),
        Arguments.of(
            (Consumer<DeploymentStatus>)
                s -> {
                  s.setReplicas(3);
                  s.setReadyReplicas(1);
                  s.setAvailableReplicas(2);
                },
            List.of(
                "status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas")),
        Arguments.of(
            (Consumer<DeploymentStatus>) s -> s.setUpdatedReplicas(-1),
            List.of(
                "status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0")),
        Arguments.of(
            (Consumer<DeploymentStatus>) s -> s.setCollisionCount(1),
            List.of("status.collisionCount: Invalid value: 1: cannot be decremented")));
  }

  @ParameterizedTest
  @MethodSource("deploymentStatuses")
  void deploymentStatus(Consumer<DeploymentStatus> mutate, List<String> expected) {
    Deployment old = stored();
    old.setStatus(new DeploymentStatus());
    old.getStatus().setCollisionCount(2);
    Deployment n = Fixtures.copy(old);
    mutate.accept(n.getStatus());
    assertThat(messages(Validator.validateStatusUpdate(n, old)))
        .containsExactlyElementsOf(expected);
  }

  // ---- ReplicaSet ----

  @Test
  void replicaSetSaysDeploymentInItsEmptySelectorError() {
    ReplicaSet rs =
        defaulted(
            ReplicaSet.class,
            Fixtures.REPLICA_SET,
            r -> r.getSpec().setSelector(new LabelSelector()));
    assertThat(messages(Validator.validateCreate(rs)))
        .containsExactly(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for"
                + " deployment");
    ReplicaSet ok = defaulted(ReplicaSet.class, Fixtures.REPLICA_SET, r -> {});
    assertThat(Validator.validateCreate(ok)).isEmpty();
  }

  // ---- StatefulSet ----

  static Stream<Arguments> statefulSets() {
    return Stream.of(
        Arguments.of("valid", (Consumer<StatefulSet>) s -> {}, List.of()),
        Arguments.of(
            "name is a label",
            (Consumer<StatefulSet>) s -> s.getMetadata().setName("web.v1"),
            List.of("metadata.name: Invalid value: \"web.v1\": must not contain dots")),
        Arguments.of(
            "pod management policy",
            (Consumer<StatefulSet>) s -> s.getSpec().setPodManagementPolicy("Burst"),
            List.of(
                "spec.podManagementPolicy: Invalid value: \"Burst\": must be 'OrderedReady' or 'Parallel'")),
        Arguments.of(
            "unknown update strategy",
            (Consumer<StatefulSet>)
                s -> {
                  s.getSpec().getUpdateStrategy().setType("Canary");
                  s.getSpec().getUpdateStrategy().setRollingUpdate(null);
                },
            List.of(
                "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Canary\","
                    + " RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be"
                    + " 'RollingUpdate' or 'OnDelete'")),
        Arguments.of(
            "on delete with rolling update",
            (Consumer<StatefulSet>)
                s -> {
                  s.getSpec().getUpdateStrategy().setType("OnDelete");
                  s.getSpec()
                      .getUpdateStrategy()
                      .setRollingUpdate(new RollingUpdateStatefulSetStrategy(null, 2));
                },
            List.of(
                "spec.updateStrategy.rollingUpdate: Invalid value:"
                    + " apps.RollingUpdateStatefulSetStrategy{Partition:2,"
                    + " MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy"
                    + " 'RollingUpdate'")),
        Arguments.of(
            "negative partition",
            (Consumer<StatefulSet>)
                s -> s.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(-1),
            List.of(
                "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than"
                    + " or equal to 0")),
        Arguments.of(
            "maxUnavailable zero",
            (Consumer<StatefulSet>)
                s ->
                    s.getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .setMaxUnavailable(new IntOrString(0)),
            List.of(
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value:"
                    + " intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0")),
        Arguments.of(
            "retention policy",
            (Consumer<StatefulSet>)
                s -> s.getSpec().getPersistentVolumeClaimRetentionPolicy().setWhenDeleted("Keep"),
            List.of(
                "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\":"
                    + " supported values: \"Retain\", \"Delete\"")),
        Arguments.of(
            "empty selector",
            (Consumer<StatefulSet>) s -> s.getSpec().setSelector(new LabelSelector()),
            List.of(
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                    + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid"
                    + " for statefulset")),
        Arguments.of(
            "restart policy and deadline",
            (Consumer<StatefulSet>)
                s -> {
                  s.getSpec().getTemplate().getSpec().setRestartPolicy("OnFailure");
                  s.getSpec().getTemplate().getSpec().setActiveDeadlineSeconds(5L);
                },
            List.of(
                "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values:"
                    + " \"Always\"",
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in"
                    + " StatefulSet is not Supported")),
        // Upstream 1.28–1.33 never validates a StatefulSet's pod spec.
        Arguments.of(
            "pod spec is not validated",
            (Consumer<StatefulSet>)
                s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(""),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statefulSets")
  void statefulSetCreate(String name, Consumer<StatefulSet> mutate, List<String> expected) {
    StatefulSet s = defaulted(StatefulSet.class, Fixtures.STATEFUL_SET, mutate);
    assertThat(messages(Validator.validateCreate(s))).containsExactlyElementsOf(expected);
  }

  @Test
  void statefulSetSpecUpdatesAreLimited() {
    StatefulSet old =
        defaulted(
            StatefulSet.class, Fixtures.STATEFUL_SET, s -> s.getMetadata().setResourceVersion("3"));
    StatefulSet ok = Fixtures.copy(old);
    ok.getSpec().setReplicas(4);
    ok.getSpec().setMinReadySeconds(3);
    ok.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.16");
    ok.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(2);
    assertThat(Validator.validateUpdate(ok, old)).isEmpty();
    StatefulSet bad = Fixtures.copy(old);
    bad.getSpec().setServiceName("other");
    assertThat(messages(Validator.validateUpdate(bad, old)))
        .containsExactly(
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas',"
                + " 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy'"
                + " and 'minReadySeconds' are forbidden");
  }

  // ---- DaemonSet ----

  static Stream<Arguments> daemonSets() {
    return Stream.of(
        Arguments.of("valid", (Consumer<DaemonSet>) d -> {}, List.of()),
        Arguments.of(
            "surge and unavailable",
            (Consumer<DaemonSet>)
                d ->
                    d.getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .setMaxSurge(new IntOrString(1)),
            List.of(
                "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0,"
                    + " IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero")),
        Arguments.of(
            "neither surge nor unavailable",
            (Consumer<DaemonSet>)
                d ->
                    d.getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .setMaxUnavailable(new IntOrString("0%")),
            List.of(
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when"
                    + " maxSurge is 0")),
        Arguments.of(
            "surge over 100%",
            (Consumer<DaemonSet>)
                d -> {
                  d.getSpec()
                      .getUpdateStrategy()
                      .getRollingUpdate()
                      .setMaxUnavailable(new IntOrString(0));
                  d.getSpec()
                      .getUpdateStrategy()
                      .getRollingUpdate()
                      .setMaxSurge(new IntOrString("110%"));
                },
            List.of(
                "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1,"
                    + " IntVal:0, StrVal:\"110%\"}: must not be greater than 100%")),
        Arguments.of(
            "unknown strategy",
            (Consumer<DaemonSet>)
                d -> {
                  d.getSpec().getUpdateStrategy().setType("Surge");
                  d.getSpec().getUpdateStrategy().setRollingUpdate(null);
                },
            List.of(
                "spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Surge\","
                    + " RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values:"
                    + " \"RollingUpdate\", \"OnDelete\"")),
        Arguments.of(
            "no selector: only the label mismatch",
            (Consumer<DaemonSet>) d -> d.getSpec().setSelector(null),
            List.of(
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: "
                    + MISMATCH)),
        Arguments.of(
            "empty selector",
            (Consumer<DaemonSet>) d -> d.getSpec().setSelector(new LabelSelector()),
            List.of(
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                    + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid"
                    + " for daemonset")),
        Arguments.of(
            "deadline",
            (Consumer<DaemonSet>)
                d -> d.getSpec().getTemplate().getSpec().setActiveDeadlineSeconds(1L),
            List.of(
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet"
                    + " is not Supported")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("daemonSets")
  void daemonSetCreate(String name, Consumer<DaemonSet> mutate, List<String> expected) {
    DaemonSet d = defaulted(DaemonSet.class, Fixtures.DAEMON_SET, mutate);
    assertThat(messages(Validator.validateCreate(d))).containsExactlyElementsOf(expected);
  }
}
