package io.skiff.api.validation;

import static io.skiff.api.validation.Fixtures.defaulted;
import static io.skiff.api.validation.Fixtures.messages;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodValidationTest {

  private static Container c0(Pod p) {
    return p.getSpec().getContainers().get(0);
  }

  private static Arguments pod(String name, Consumer<Pod> mutate, String... expected) {
    return Arguments.of(name, mutate, List.of(expected));
  }

  static Stream<Arguments> pods() {
    return Stream.of(
        pod("valid", p -> {}),
        pod(
            "container name",
            p -> c0(p).setName("Nginx"),
            "spec.containers[0].name: Invalid value: \"Nginx\": a lowercase RFC 1123 label must consist"
                + " of lower case alphanumeric characters or '-', and must start and end with an"
                + " alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        pod(
            "image whitespace",
            p -> c0(p).setImage(" nginx"),
            "spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing"
                + " whitespace"),
        pod(
            "ports",
            p ->
                c0(p)
                    .setPorts(
                        List.of(
                            new ContainerPort(0, null, null, null, "TCP"),
                            new ContainerPort(70000, null, null, "HTTP", "HTTP"))),
            "spec.containers[0].ports[0].containerPort: Required value",
            "spec.containers[0].ports[1].name: Invalid value: \"HTTP\": must contain only"
                + " alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.containers[0].ports[1].name: Invalid value: \"HTTP\": must contain at least one"
                + " letter (a-z)",
            "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and"
                + " 65535, inclusive",
            "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values:"
                + " \"SCTP\", \"TCP\", \"UDP\""),
        pod(
            "env name",
            p -> c0(p).setEnv(List.of(new EnvVar("1BAD", "x", null))),
            "spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable"
                + " name must consist of alphabetic characters, digits, '_', '-', or '.', and must not"
                + " start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex"
                + " used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"),
        pod(
            "requests above limits",
            p ->
                c0(p)
                    .setResources(
                        new ResourceRequirements(
                            null,
                            Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi")),
                            Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi")))),
            "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal"
                + " to cpu limit of 1",
            "spec.containers[0].resources.requests: Invalid value: \"1Gi\": must be less than or equal"
                + " to memory limit of 512Mi"),
        pod(
            "unknown resource",
            p ->
                c0(p)
                    .setResources(
                        new ResourceRequirements(null, null, Map.of("gpu", new Quantity("1")))),
            "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard"
                + " resource type or fully qualified"),
        pod(
            "restart policy",
            p -> p.getSpec().setRestartPolicy("Sometimes"),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\","
                + " \"OnFailure\", \"Never\""),
        pod(
            "pull policy",
            p -> c0(p).setImagePullPolicy("Sometimes"),
            "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values:"
                + " \"Always\", \"IfNotPresent\", \"Never\""),
        pod(
            "unknown volume",
            p ->
                c0(p)
                    .setVolumeMounts(
                        List.of(new VolumeMount("/data", null, "data", null, null, null, null))),
            "spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
        pod(
            "volumes",
            p ->
                p.getSpec()
                    .setVolumes(
                        List.of(
                            new VolumeBuilder()
                                .withName("data")
                                .withNewEmptyDir()
                                .endEmptyDir()
                                .build(),
                            new VolumeBuilder()
                                .withName("data")
                                .withNewEmptyDir()
                                .endEmptyDir()
                                .withNewConfigMap()
                                .withName("cm")
                                .endConfigMap()
                                .build())),
            "spec.volumes[1].configMap: Forbidden: may not specify more than 1 volume type",
            "spec.volumes[1].name: Duplicate value: \"data\""),
        pod(
            "liveness success threshold",
            p -> c0(p).setLivenessProbe(probe(2)),
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"),
        pod(
            "probe without handler",
            p -> {
              Probe pr = probe(1);
              pr.setExec(null);
              c0(p).setReadinessProbe(pr);
            },
            "spec.containers[0].readinessProbe: Required value: must specify a handler type"),
        pod(
            "node selector key",
            p -> p.getSpec().setNodeSelector(Map.of("a/b/c", "x")),
            "spec.nodeSelector: Invalid value: \"a/b/c\": a qualified name must consist of"
                + " alphanumeric characters, '-', '_' or '.', and must start and end with an"
                + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
                + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS"
                + " subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        pod(
            "tolerations",
            p ->
                p.getSpec()
                    .setTolerations(
                        List.of(
                            new Toleration(null, "k", "Exists", null, "v"),
                            new Toleration(null, "", "Equal", null, null),
                            new Toleration("NoSchedule", "k", "Exists", 30L, null))),
            "spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"k\","
                + " Operator:\"Exists\", Value:\"v\", Effect:\"\","
                + " TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'",
            "spec.tolerations[1].operator: Invalid value: \"Equal\": operator must be Exists when"
                + " `key` is empty, which means \"match all values and all keys\"",
            "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when"
                + " `tolerationSeconds` is set"),
        pod(
            "active deadline",
            p -> p.getSpec().setActiveDeadlineSeconds(0L),
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647,"
                + " inclusive"),
        pod(
            "dns policy",
            p -> p.getSpec().setDnsPolicy("Google"),
            "spec.dnsPolicy: Unsupported value: \"Google\": supported values:"
                + " \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""),
        pod(
            "host network ports",
            p -> {
              p.getSpec().setHostNetwork(true);
              c0(p)
                  .setPorts(new ArrayList<>(List.of(new ContainerPort(80, null, 81, null, "TCP"))));
            },
            "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when"
                + " `hostNetwork` is true"));
  }

  private static Probe probe(int success) {
    Probe p = new Probe();
    p.setExec(new ExecAction(List.of("true")));
    p.setSuccessThreshold(success);
    p.setTimeoutSeconds(1);
    p.setPeriodSeconds(10);
    p.setFailureThreshold(3);
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void podCreate(String name, Consumer<Pod> mutate, List<String> expected) {
    Pod p = defaulted(Pod.class, Fixtures.POD, mutate);
    assertThat(messages(Validator.validateCreate(p))).containsExactlyElementsOf(expected);
  }

  private static Pod stored() {
    return defaulted(Pod.class, Fixtures.POD, p -> p.getMetadata().setResourceVersion("4"));
  }

  @Test
  void podUpdatesMayChangeImagesOnly() {
    Pod old = stored();
    Pod image = Fixtures.copy(old);
    c0(image).setImage("nginx:1.16");
    assertThat(Validator.validateUpdate(image, old)).isEmpty();

    Pod command = Fixtures.copy(old);
    c0(command).setCommand(List.of("sleep"));
    List<FieldError> errs = Validator.validateUpdate(command, old);
    assertThat(errs).hasSize(1);
    assertThat(errs.get(0).toString())
        .startsWith(
            "spec: Forbidden: pod updates may not change fields other than"
                + " `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations`"
                + " (only additions to existing tolerations),`spec.terminationGracePeriodSeconds`"
                + " (allow it to be set to 1 if it was previously negative)\n");

    Pod added = Fixtures.copy(old);
    Container extra = Fixtures.copy(stored()).getSpec().getContainers().get(0);
    extra.setName("sidecar");
    added.getSpec().getContainers().add(extra);
    assertThat(messages(Validator.validateUpdate(added, old)))
        .containsExactly(
            "spec.containers: Forbidden: pod updates may not add or remove containers");
  }

  @Test
  void podStatusMayNotMoveThePod() {
    Pod old = stored();
    Pod n = Fixtures.copy(old);
    n.getSpec().setNodeName("node-1");
    assertThat(messages(Validator.validateStatusUpdate(n, old)))
        .containsExactly("status.nodeName: Forbidden: may not be changed directly");
  }
}
