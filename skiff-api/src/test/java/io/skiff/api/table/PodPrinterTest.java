package io.skiff.api.table;

import static io.skiff.api.table.Fixtures.NOW;
import static io.skiff.api.table.Fixtures.meta;
import static io.skiff.api.table.Fixtures.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodPrinterTest {

  private static final PodCondition READY = condition("Ready", "True");
  private static final PodCondition INITIALIZED = condition("Initialized", "True");

  static Stream<Arguments> readyStatusRestarts() {
    return Stream.of(
        Arguments.of(
            "running", pod("Running", List.of(running("nginx", true))), "1/1", "Running", "0"),
        Arguments.of("pending, no statuses yet", pod("Pending", List.of()), "0/1", "Pending", "0"),
        Arguments.of(
            "container being created",
            pod("Pending", List.of(waiting("nginx", "ContainerCreating", 0))),
            "0/1",
            "ContainerCreating",
            "0"),
        Arguments.of(
            "image pull failing",
            pod("Pending", List.of(waiting("nginx", "ErrImagePull", 0))),
            "0/1",
            "ErrImagePull",
            "0"),
        Arguments.of(
            "image pull backing off",
            pod("Pending", List.of(waiting("nginx", "ImagePullBackOff", 0))),
            "0/1",
            "ImagePullBackOff",
            "0"),
        Arguments.of(
            "crash looping, restarted five minutes ago",
            pod("Running", List.of(crashed(waiting("app", "CrashLoopBackOff", 3), 5))),
            "0/1",
            "CrashLoopBackOff",
            "3 (5m ago)"),
        Arguments.of(
            "restarted and running again",
            pod("Running", List.of(crashed(running("app", true), 90))),
            "1/1",
            "Running",
            "1 (90m ago)"),
        Arguments.of(
            "completed",
            pod("Succeeded", List.of(terminated("job", "Completed", 0, 0))),
            "0/1",
            "Completed",
            "0"),
        Arguments.of(
            "one completed, one still running and the pod ready",
            pod(
                "Running",
                List.of(running("web", true), terminated("init-job", "Completed", 0, 0)),
                READY),
            "1/2",
            "Running",
            "0"),
        Arguments.of(
            "one completed, one still running and the pod not ready",
            pod(
                "Running",
                List.of(running("web", true), terminated("init-job", "Completed", 0, 0))),
            "1/2",
            "NotReady",
            "0"),
        Arguments.of(
            "the first container's state wins",
            pod(
                "Running",
                List.of(waiting("a", "ImagePullBackOff", 0), waiting("b", "CrashLoopBackOff", 0))),
            "0/2",
            "ImagePullBackOff",
            "0"),
        Arguments.of(
            "killed by a signal without a reason",
            pod("Running", List.of(terminated("app", null, 137, 9))),
            "0/1",
            "Signal:9",
            "0"),
        Arguments.of(
            "exited without a reason",
            pod("Running", List.of(terminated("app", null, 2, 0))),
            "0/1",
            "ExitCode:2",
            "0"),
        Arguments.of(
            "evicted",
            new PodBuilder(pod("Failed", List.of()))
                .editStatus()
                .withReason("Evicted")
                .endStatus()
                .build(),
            "0/1",
            "Evicted",
            "0"),
        Arguments.of(
            "scheduling gated", pod("Pending", List.of(), gated()), "0/1", "SchedulingGated", "0"),
        Arguments.of(
            "terminating",
            deleting(pod("Running", List.of(running("nginx", true)))),
            "1/1",
            "Terminating",
            "0"),
        Arguments.of(
            "deleted on a lost node",
            deleting(
                new PodBuilder(pod("Running", List.of(running("nginx", true))))
                    .editStatus()
                    .withReason("NodeLost")
                    .endStatus()
                    .build()),
            "1/1",
            "Unknown",
            "0"),
        Arguments.of(
            "deleted after completing",
            deleting(pod("Succeeded", List.of(terminated("job", "Completed", 0, 0)))),
            "0/1",
            "Completed",
            "0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void readyStatusRestarts(String name, Pod pod, String ready, String status, String restarts) {
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().subList(0, 5))
        .containsExactly(pod.getMetadata().getName(), ready, status, restarts, "5m");
  }

  static Stream<Arguments> initContainers() {
    return Stream.of(
        Arguments.of(
            "first init container running", List.of(running("init-a", false)), "Init:0/2", "0"),
        Arguments.of(
            "first done, second running",
            List.of(terminated("init-a", "Completed", 0, 0), running("init-b", false)),
            "Init:1/2",
            "0"),
        Arguments.of(
            "waiting to initialize",
            List.of(waiting("init-a", "PodInitializing", 0)),
            "Init:0/2",
            "0"),
        Arguments.of(
            "crash looping init container",
            List.of(crashed(waiting("init-a", "CrashLoopBackOff", 4), 2)),
            "Init:CrashLoopBackOff",
            "4 (2m ago)"),
        Arguments.of(
            "init container failed",
            List.of(terminated("init-a", "Error", 1, 0)),
            "Init:Error",
            "0"),
        Arguments.of(
            "init container exited without reason",
            List.of(terminated("init-a", null, 3, 0)),
            "Init:ExitCode:3",
            "0"),
        Arguments.of(
            "init container killed",
            List.of(terminated("init-a", null, 137, 9)),
            "Init:Signal:9",
            "0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void initContainers(String name, List<ContainerStatus> inits, String status, String restarts) {
    Pod pod =
        new PodBuilder(pod("Pending", List.of(waiting("app", "PodInitializing", 0))))
            .editSpec()
            .withInitContainers(container("init-a"), container("init-b"))
            .endSpec()
            .editStatus()
            .withInitContainerStatuses(inits)
            .endStatus()
            .build();
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().subList(1, 4))
        .containsExactly("0/1", status, restarts);
  }

  @Test
  void initRestartsAreForgottenOnceInitialized() {
    ContainerStatus init = terminated("init-a", "Completed", 0, 0);
    init.setRestartCount(2);
    Pod pod =
        new PodBuilder(pod("Running", List.of(running("app", true)), INITIALIZED, READY))
            .editSpec()
            .withInitContainers(container("init-a"))
            .endSpec()
            .editStatus()
            .withInitContainerStatuses(init)
            .endStatus()
            .build();
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().subList(1, 4))
        .containsExactly("1/1", "Running", "0");
  }

  @Test
  void sidecarsCountAsContainersAndTheirRestartsStay() {
    Container sidecar =
        new ContainerBuilder(container("proxy")).withRestartPolicy("Always").build();
    ContainerStatus sidecarStatus = crashed(running("proxy", true), 10);
    sidecarStatus.setStarted(true);
    Pod pod =
        new PodBuilder(pod("Running", List.of(running("app", true)), INITIALIZED, READY))
            .editSpec()
            .withInitContainers(sidecar)
            .endSpec()
            .editStatus()
            .withInitContainerStatuses(sidecarStatus)
            .endStatus()
            .build();
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().subList(1, 4))
        .containsExactly("2/2", "Running", "1 (10m ago)");
  }

  @Test
  void wideColumnsShowNoneWhenUnset() {
    Pod pod = pod("Pending", List.of());
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().subList(5, 9))
        .containsExactly("<none>", "<none>", "<none>", "<none>");
  }

  @Test
  void wideColumnsOfAScheduledPod() {
    Pod pod =
        new PodBuilder(pod("Running", List.of(running("nginx", true)), condition("gate-a", "True")))
            .editSpec()
            .withNodeName("k8s-node0")
            .withReadinessGates(new PodReadinessGate("gate-a"), new PodReadinessGate("gate-b"))
            .endSpec()
            .editStatus()
            .withPodIP("10.244.2.120")
            .withNominatedNodeName("k8s-node1")
            .endStatus()
            .build();
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().subList(5, 9))
        .containsExactly("10.244.2.120", "k8s-node0", "k8s-node1", "1/2");
  }

  @Test
  void theFirstOfPodIPsIsShown() {
    Pod pod =
        new PodBuilder(pod("Running", List.of()))
            .editStatus()
            .withPodIP("10.0.0.9")
            .addNewPodIP("10.0.0.9")
            .addNewPodIP("fd00::9")
            .endStatus()
            .build();
    assertThat(PodPrinter.PRINTER.print(pod, NOW).cells().get(5)).isEqualTo("10.0.0.9");
  }

  @Test
  void finishedPodsCarryTheCompletedRowCondition() {
    assertThat(PodPrinter.PRINTER.print(pod("Succeeded", List.of()), NOW).conditions())
        .containsExactly(
            new Row.Condition(
                "Completed", "True", "Succeeded", "The pod has completed successfully."));
    assertThat(PodPrinter.PRINTER.print(pod("Failed", List.of()), NOW).conditions())
        .containsExactly(new Row.Condition("Completed", "True", "Failed", "The pod failed."));
    assertThat(PodPrinter.PRINTER.print(pod("Running", List.of()), NOW).conditions()).isEmpty();
  }

  @Test
  void anEmptyPodStillPrints() {
    assertThat(PodPrinter.PRINTER.print(new Pod(), NOW).cells())
        .containsExactly("", "0/0", "", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>");
  }

  // One container per status, named like it, in a pod created five minutes ago.
  static Pod pod(String phase, List<ContainerStatus> statuses, PodCondition... conditions) {
    List<Container> containers =
        statuses.isEmpty()
            ? List.of(container("nginx"))
            : statuses.stream().map(s -> container(s.getName())).toList();
    return new PodBuilder()
        .withMetadata(meta("nginx-" + phase.toLowerCase(java.util.Locale.ROOT)))
        .withNewSpec()
        .withContainers(containers)
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .withConditions(conditions)
        .withContainerStatuses(statuses)
        .endStatus()
        .build();
  }

  static Container container(String name) {
    return new ContainerBuilder().withName(name).withImage("nginx:1.14.2").build();
  }

  static ContainerStatus running(String name, boolean ready) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(ready)
        .withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewRunning().endRunning().build())
        .build();
  }

  static ContainerStatus waiting(String name, String reason, int restarts) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(false)
        .withRestartCount(restarts)
        .withState(
            new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build())
        .build();
  }

  static ContainerStatus terminated(String name, String reason, int exitCode, int signal) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(false)
        .withRestartCount(0)
        .withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withReason(reason)
                .withExitCode(exitCode)
                .withSignal(signal == 0 ? null : signal)
                .endTerminated()
                .build())
        .build();
  }

  // The status of a container that last terminated the given minutes ago; counts one restart
  // unless it already counts some.
  static ContainerStatus crashed(ContainerStatus status, long minutesAgo) {
    status.setLastState(
        new ContainerStateBuilder()
            .withNewTerminated()
            .withReason("Error")
            .withExitCode(1)
            .withFinishedAt(minutesAgo(minutesAgo))
            .endTerminated()
            .build());
    if (status.getRestartCount() == 0) {
      status.setRestartCount(1);
    }
    return status;
  }

  static PodCondition condition(String type, String status) {
    return new PodConditionBuilder().withType(type).withStatus(status).build();
  }

  static PodCondition gated() {
    return new PodConditionBuilder()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("SchedulingGated")
        .build();
  }

  static Pod deleting(Pod pod) {
    pod.getMetadata().setDeletionTimestamp(minutesAgo(1));
    return pod;
  }
}
