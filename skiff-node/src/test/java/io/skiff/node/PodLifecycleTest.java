package io.skiff.node;

import static io.skiff.node.SimCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.skiff.api.patch.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each pod lifecycle transition on a manual clock against a real registry: the status the simulated
 * kubelet writes at each instant and the events it records. No sleeps: time moves only when the
 * test advances it; the tests wait only for the asynchronous writes.
 */
class PodLifecycleTest {

  private static final String NODE = "skiff-node-1";

  private SimCluster cluster;

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new SimCluster();
    cluster.start(cluster.options().withNodes(1));
    eventually(() -> cluster.sim.simulatedNodes() == 1);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static PodBuilder pod(String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(NODE)
        .addNewContainer()
        .withName(name)
        .withImage(image)
        .endContainer()
        .endSpec();
  }

  private Pod create(PodBuilder pod) {
    return cluster.pods.create(pod.build());
  }

  private Pod awaitPod(String name, Predicate<Pod> test) {
    eventually(() -> test.test(cluster.pod(name)));
    return cluster.pod(name);
  }

  private static boolean hasStatuses(Pod pod) {
    return !pod.getStatus().getContainerStatuses().isEmpty();
  }

  private static ContainerStatus container(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0);
  }

  private static String waitingReason(Pod pod) {
    if (!hasStatuses(pod)) {
      return null;
    }
    ContainerStatus cs = container(pod);
    return cs.getState().getWaiting() == null ? null : cs.getState().getWaiting().getReason();
  }

  private static PodCondition condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private String at(Duration sinceStart) {
    return Instant.parse("2024-01-01T00:00:00Z").plus(sinceStart).toString();
  }

  @Test
  void podPullsStartsAndTurnsReadyWithAddresses() {
    create(pod("web", "nginx:1.23.1"));

    Pod creating = awaitPod("web", PodLifecycleTest::hasStatuses);
    assertThat(creating.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(waitingReason(creating)).isEqualTo("ContainerCreating");
    assertThat(container(creating).getImage()).isEqualTo("nginx:1.23.1");
    assertThat(container(creating).getImageID()).isEmpty();
    assertThat(container(creating).getStarted()).isFalse();
    assertThat(creating.getStatus().getPodIP()).isEqualTo("10.244.0.2");
    assertThat(creating.getStatus().getHostIP()).isEqualTo("172.18.0.2");
    assertThat(creating.getStatus().getStartTime()).isEqualTo(at(Duration.ZERO));
    assertThat(condition(creating, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(creating, "Ready").getReason()).isEqualTo("ContainersNotReady");
    assertThat(condition(creating, "Ready").getMessage())
        .isEqualTo("containers with unready status: [web]");

    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("web", p -> p.getStatus().getPhase().equals("Running"));
    PodStatus s = running.getStatus();
    ContainerStatus cs = container(running);
    assertThat(cs.getState().getRunning().getStartedAt()).isEqualTo(at(Duration.ofSeconds(1)));
    assertThat(cs.getReady()).isTrue();
    assertThat(cs.getStarted()).isTrue();
    assertThat(cs.getRestartCount()).isZero();
    assertThat(cs.getImage()).isEqualTo("docker.io/library/nginx:1.23.1");
    assertThat(cs.getImageID()).matches("docker\\.io/library/nginx@sha256:[0-9a-f]{64}");
    assertThat(cs.getContainerID()).matches("containerd://[0-9a-f]{64}");
    assertThat(cs.getLastState().getTerminated()).isNull();
    assertThat(s.getPodIPs())
        .singleElement()
        .satisfies(ip -> assertThat(ip.getIp()).isEqualTo("10.244.0.2"));
    assertThat(s.getHostIPs())
        .singleElement()
        .satisfies(ip -> assertThat(ip.getIp()).isEqualTo("172.18.0.2"));
    assertThat(s.getQosClass()).isEqualTo("BestEffort");
    assertThat(s.getConditions())
        .extracting(PodCondition::getType, PodCondition::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("PodReadyToStartContainers", "True"),
            org.assertj.core.groups.Tuple.tuple("Initialized", "True"),
            org.assertj.core.groups.Tuple.tuple("Ready", "True"),
            org.assertj.core.groups.Tuple.tuple("ContainersReady", "True"),
            org.assertj.core.groups.Tuple.tuple("PodScheduled", "True"));
    assertThat(condition(running, "Ready").getLastTransitionTime())
        .isEqualTo(at(Duration.ofSeconds(1)));
    assertThat(condition(running, "Initialized").getLastTransitionTime())
        .isEqualTo(at(Duration.ZERO));
    assertThat(condition(running, "Ready").getLastProbeTime()).isNull();

    assertThat(cluster.reasons("web")).containsExactly("Pulling", "Pulled", "Created", "Started");
    assertThat(cluster.messages("web", "Pulling"))
        .containsExactly("Pulling image \"nginx:1.23.1\"");
    assertThat(cluster.messages("web", "Pulled").get(0))
        .matches(
            "Successfully pulled image \"nginx:1\\.23\\.1\" in 1s \\(1s including waiting\\)\\."
                + " Image size: \\d+ bytes\\.");
    assertThat(cluster.messages("web", "Created")).containsExactly("Created container: web");
    assertThat(cluster.messages("web", "Started")).containsExactly("Started container web");
    assertThat(cluster.events)
        .filteredOn(e -> e.name().equals("web"))
        .allSatisfy(
            e -> {
              assertThat(e.host()).isEqualTo(NODE);
              assertThat(e.fieldPath()).isEqualTo("spec.containers{web}");
            });
  }

  @Test
  void secondPodOfAnImageOnTheNodeStartsAtOnceAndGetsTheNextAddress() {
    create(pod("a", "nginx:1.23.1"));
    awaitPod("a", p -> p.getStatus().getPodIP() != null);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("a", p -> p.getStatus().getPhase().equals("Running"));

    create(pod("b", "nginx:1.23.1"));
    Pod b = awaitPod("b", p -> "Running".equals(p.getStatus().getPhase()));
    assertThat(b.getStatus().getPodIP()).isEqualTo("10.244.0.3");
    assertThat(cluster.messages("b", "Pulled"))
        .containsExactly("Container image \"nginx:1.23.1\" already present on machine");
    assertThat(cluster.reasons("b")).doesNotContain("Pulling");
  }

  @Test
  void missingTagFailsWithErrImagePullThenBacksOffAsTheKubelet() {
    create(pod("bad", "nginx:1.231"));
    awaitPod("bad", p -> "ContainerCreating".equals(waitingReason(p)));

    cluster.advance(Duration.ofSeconds(1));
    Pod failed = awaitPod("bad", p -> "ErrImagePull".equals(waitingReason(p)));
    String notFound =
        "rpc error: code = NotFound desc = failed to pull and unpack image"
            + " \"docker.io/library/nginx:1.231\": failed to resolve reference"
            + " \"docker.io/library/nginx:1.231\": docker.io/library/nginx:1.231: not found";
    assertThat(container(failed).getState().getWaiting().getMessage()).isEqualTo(notFound);
    assertThat(failed.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(cluster.messages("bad", "Failed"))
        .containsExactly(
            "Failed to pull image \"nginx:1.231\": " + notFound, "Error: ErrImagePull");

    cluster.advance(Duration.ofSeconds(1));
    Pod backOff = awaitPod("bad", p -> "ImagePullBackOff".equals(waitingReason(p)));
    assertThat(container(backOff).getState().getWaiting().getMessage())
        .isEqualTo("Back-off pulling image \"nginx:1.231\": ErrImagePull: " + notFound);
    assertThat(cluster.messages("bad", "BackOff"))
        .containsExactly("Back-off pulling image \"nginx:1.231\"");
    assertThat(cluster.messages("bad", "Failed")).endsWith("Error: ImagePullBackOff");

    // The first back-off is 10s from the failure: the next pull starts 9s from now.
    cluster.advance(Duration.ofSeconds(8));
    assertThat(cluster.messages("bad", "Pulling")).hasSize(1);
    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> cluster.messages("bad", "Pulling").size() == 2);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("bad", p -> "ErrImagePull".equals(waitingReason(p)));
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("bad", p -> "ImagePullBackOff".equals(waitingReason(p)));
    // The second back-off is 20s.
    cluster.advance(Duration.ofSeconds(18));
    assertThat(cluster.messages("bad", "Pulling")).hasSize(2);
    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> cluster.messages("bad", "Pulling").size() == 3);
  }

  @Test
  void existingTagOfTheSeedSucceedsWhereTheTypoFails() {
    create(pod("typo", "nginx:1.231"));
    create(pod("good", "nginx:1.23.1"));
    awaitPod("typo", PodLifecycleTest::hasStatuses);
    awaitPod("good", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("good", p -> "Running".equals(p.getStatus().getPhase()));
    awaitPod("typo", p -> "ErrImagePull".equals(waitingReason(p)));
  }

  @Test
  void unknownRepositoryAndDigestsPull() {
    create(pod("unknown", "registry.example.com/team/app:whatever"));
    create(
        pod(
            "pinned",
            "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000"));
    awaitPod("unknown", PodLifecycleTest::hasStatuses);
    awaitPod("pinned", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("unknown", p -> "Running".equals(p.getStatus().getPhase()));
    Pod pinned = awaitPod("pinned", p -> "Running".equals(p.getStatus().getPhase()));
    assertThat(container(pinned).getImageID())
        .isEqualTo(
            "docker.io/library/nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000");
  }

  @Test
  void invalidImageNameIsReportedAndNeverPulled() {
    create(pod("upper", "Nginx:1.23.1"));
    Pod p = awaitPod("upper", x -> hasStatuses(x) && "InvalidImageName".equals(waitingReason(x)));
    assertThat(container(p).getState().getWaiting().getMessage())
        .isEqualTo(
            "Failed to apply default image tag \"Nginx:1.23.1\": couldn't parse image reference"
                + " \"Nginx:1.23.1\": invalid reference format: repository name must be lowercase");
    assertThat(cluster.reasons("upper")).containsExactly("InspectFailed", "Failed");
  }

  @Test
  void readinessWaitsForTheProbesInitialDelay() {
    create(
        pod("slow", "nginx:1.23.1")
            .editSpec()
            .editFirstContainer()
            .withNewReadinessProbe()
            .withInitialDelaySeconds(5)
            .withNewHttpGet()
            .withPath("/")
            .withNewPort(80)
            .endHttpGet()
            .endReadinessProbe()
            .endContainer()
            .endSpec());
    awaitPod("slow", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("slow", p -> "Running".equals(p.getStatus().getPhase()));
    assertThat(container(running).getReady()).isFalse();
    assertThat(container(running).getStarted()).isTrue();
    assertThat(condition(running, "Ready").getStatus()).isEqualTo("False");

    cluster.advance(Duration.ofSeconds(4));
    assertThat(container(cluster.pod("slow")).getReady()).isFalse();
    cluster.advance(Duration.ofSeconds(1));
    Pod ready = awaitPod("slow", p -> container(p).getReady());
    assertThat(condition(ready, "Ready").getLastTransitionTime())
        .isEqualTo(at(Duration.ofSeconds(6)));
  }

  @Test
  void readinessGatesHoldReadyUntilTheirConditionIsTrue() {
    create(pod("gated", "nginx:1.23.1").editSpec().addNewReadinessGate("example.com/lb").endSpec());
    awaitPod("gated", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("gated", p -> "Running".equals(p.getStatus().getPhase()));
    assertThat(condition(running, "ContainersReady").getStatus()).isEqualTo("True");
    assertThat(condition(running, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(running, "Ready").getReason()).isEqualTo("ReadinessGatesNotReady");
    assertThat(condition(running, "Ready").getMessage())
        .isEqualTo(
            "corresponding condition of pod readiness gate \"example.com/lb\" does not exist.");

    cluster.settle();
    Pod withGate = cluster.pod("gated");
    List<PodCondition> conditions = new java.util.ArrayList<>(withGate.getStatus().getConditions());
    conditions.add(
        new PodConditionBuilder()
            .withType("example.com/lb")
            .withStatus("True")
            .withLastTransitionTime(at(Duration.ofSeconds(1)))
            .build());
    withGate.getStatus().setConditions(conditions);
    cluster.pods.updateStatus(withGate);

    Pod ready = awaitPod("gated", p -> condition(p, "Ready").getStatus().equals("True"));
    assertThat(ready.getStatus().getConditions().get(0).getType()).isEqualTo("example.com/lb");
  }

  @Test
  void initContainersCompleteInOrderBeforeTheContainersStart() {
    create(
        pod("init", "nginx:1.23.1")
            .editSpec()
            .addNewInitContainer()
            .withName("first")
            .withImage("busybox:1.28")
            .endInitContainer()
            .addNewInitContainer()
            .withName("second")
            .withImage("busybox:1.28")
            .endInitContainer()
            .endSpec());
    Pod pending = awaitPod("init", p -> !p.getStatus().getInitContainerStatuses().isEmpty());
    assertThat(pending.getStatus().getInitContainerStatuses())
        .extracting(cs -> cs.getState().getWaiting().getReason())
        .containsExactly("PodInitializing", "PodInitializing");
    assertThat(waitingReason(pending)).isEqualTo("PodInitializing");
    assertThat(condition(pending, "Initialized").getMessage())
        .isEqualTo("containers with incomplete status: [first second]");

    // first: pull 1s, runs 1s; second: image present, runs 1s; then the container pulls 1s.
    cluster.advance(Duration.ofSeconds(1));
    Pod firstRunning =
        awaitPod(
            "init",
            p -> p.getStatus().getInitContainerStatuses().get(0).getState().getRunning() != null);
    assertThat(firstRunning.getStatus().getInitContainerStatuses().get(1).getState().getWaiting())
        .isNotNull();
    cluster.advance(Duration.ofSeconds(1));
    Pod secondRunning =
        awaitPod(
            "init",
            p -> p.getStatus().getInitContainerStatuses().get(1).getState().getRunning() != null);
    ContainerStatus first = secondRunning.getStatus().getInitContainerStatuses().get(0);
    assertThat(first.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(first.getState().getTerminated().getExitCode()).isZero();
    assertThat(first.getReady()).isTrue();
    assertThat(first.getStarted()).isFalse();
    assertThat(secondRunning.getStatus().getPhase()).isEqualTo("Pending");
    cluster.advance(Duration.ofSeconds(1));
    Pod initialized = awaitPod("init", p -> condition(p, "Initialized").getStatus().equals("True"));
    assertThat(waitingReason(initialized)).isEqualTo("PodInitializing");
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("init", p -> "Running".equals(p.getStatus().getPhase()));
    List<String> order =
        cluster.events.stream()
            .filter(e -> e.name().equals("init") && e.reason().equals("Started"))
            .map(SimCluster.Recorded::fieldPath)
            .toList();
    assertThat(order)
        .containsExactly(
            "spec.initContainers{first}", "spec.initContainers{second}", "spec.containers{init}");
  }

  @Test
  void crashingContainerRestartsThenBacksOffAsTheKubelet() {
    create(
        pod("crash", "nginx:1.23.1")
            .editMetadata()
            .withAnnotations(
                Map.of("sim.skiff.io/crash-after", "2s", "sim.skiff.io/exit-code", "3"))
            .endMetadata());
    awaitPod("crash", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("crash", p -> "Running".equals(p.getStatus().getPhase()));

    // t=3: exits with 3; the kubelet notices a second later and restarts at once (no back-off yet).
    cluster.advance(Duration.ofSeconds(2));
    Pod exited = awaitPod("crash", p -> container(p).getState().getTerminated() != null);
    assertThat(container(exited).getState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(container(exited).getState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(exited.getStatus().getPhase()).isEqualTo("Running");
    assertThat(condition(exited, "Ready").getStatus()).isEqualTo("False");
    cluster.advance(Duration.ofSeconds(1));
    Pod restarted = awaitPod("crash", p -> container(p).getRestartCount() == 1);
    assertThat(container(restarted).getState().getRunning().getStartedAt())
        .isEqualTo(at(Duration.ofSeconds(4)));
    assertThat(container(restarted).getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(container(restarted).getLastState().getTerminated().getFinishedAt())
        .isEqualTo(at(Duration.ofSeconds(3)));

    // t=6: exits again; at t=7 it is in back-off (10s from t=6).
    cluster.advance(Duration.ofSeconds(2));
    cluster.advance(Duration.ofSeconds(1));
    Pod looping = awaitPod("crash", p -> "CrashLoopBackOff".equals(waitingReason(p)));
    String uid = looping.getMetadata().getUid();
    assertThat(container(looping).getState().getWaiting().getMessage())
        .isEqualTo("back-off 10s restarting failed container=crash pod=crash_default(" + uid + ")");
    assertThat(container(looping).getRestartCount()).isEqualTo(1);
    assertThat(container(looping).getLastState().getTerminated().getFinishedAt())
        .isEqualTo(at(Duration.ofSeconds(6)));
    assertThat(cluster.messages("crash", "BackOff"))
        .containsExactly(
            "Back-off restarting failed container crash in pod crash_default(" + uid + ")");

    // Restarts at t=16, exits at t=18, waits 20s.
    cluster.advance(Duration.ofSeconds(8));
    assertThat(container(cluster.pod("crash")).getRestartCount()).isEqualTo(1);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("crash", p -> container(p).getRestartCount() == 2);
    cluster.advance(Duration.ofSeconds(2));
    cluster.advance(Duration.ofSeconds(1));
    Pod again = awaitPod("crash", p -> "CrashLoopBackOff".equals(waitingReason(p)));
    assertThat(container(again).getState().getWaiting().getMessage()).startsWith("back-off 20s ");
  }

  @Test
  void restartPolicyNeverLeavesAFailedPod() {
    create(
        pod("once", "nginx:1.23.1")
            .editMetadata()
            .withAnnotations(Map.of("sim.skiff.io/crash-after", "1s"))
            .endMetadata()
            .editSpec()
            .withRestartPolicy("Never")
            .endSpec());
    awaitPod("once", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("once", p -> "Running".equals(p.getStatus().getPhase()));
    cluster.advance(Duration.ofSeconds(1));
    Pod failed = awaitPod("once", p -> "Failed".equals(p.getStatus().getPhase()));
    assertThat(container(failed).getState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("PodFailed");
    assertThat(condition(failed, "PodReadyToStartContainers").getStatus()).isEqualTo("False");
    cluster.advance(Duration.ofMinutes(1));
    assertThat(container(cluster.pod("once")).getRestartCount()).isZero();
  }

  @Test
  void jobPodsSucceedAfterTheRunTime() {
    create(
        pod("job-abc", "busybox:1.28")
            .editMetadata()
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName("job")
            .withUid("11111111-2222-3333-4444-555555555555")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .editSpec()
            .withRestartPolicy("Never")
            .endSpec());
    awaitPod("job-abc", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("job-abc", p -> "Running".equals(p.getStatus().getPhase()));
    cluster.advance(Duration.ofSeconds(4));
    assertThat(cluster.pod("job-abc").getStatus().getPhase()).isEqualTo("Running");
    cluster.advance(Duration.ofSeconds(1));
    Pod done = awaitPod("job-abc", p -> "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(container(done).getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(container(done).getState().getTerminated().getFinishedAt())
        .isEqualTo(at(Duration.ofSeconds(6)));
    assertThat(condition(done, "Ready").getReason()).isEqualTo("PodCompleted");
    assertThat(condition(done, "Initialized").getReason()).isEqualTo("PodCompleted");
  }

  @Test
  void deletedPodStopsItsContainersThenGoes() {
    create(pod("bye", "nginx:1.23.1"));
    awaitPod("bye", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("bye", p -> "Running".equals(p.getStatus().getPhase()));
    String ip = running.getStatus().getPodIP();

    cluster.pods.delete("default", "bye", new DeleteOptions());
    Pod terminating = awaitPod("bye", p -> p.getMetadata().getDeletionTimestamp() != null);
    assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30);
    eventually(() -> cluster.messages("bye", "Killing").equals(List.of("Stopping container bye")));
    cluster.settle();
    assertThat(cluster.maybePod("bye")).isPresent();

    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> cluster.maybePod("bye").isEmpty());
    assertThat(cluster.sim.simulatedPods()).isZero();

    // The address is free again, but handed out round robin: the next pod gets the next one.
    create(pod("next", "nginx:1.23.1"));
    Pod next = awaitPod("next", p -> p.getStatus().getPodIP() != null);
    assertThat(next.getStatus().getPodIP()).isNotEqualTo(ip).isEqualTo("10.244.0.3");
  }

  @Test
  void shutdownLongerThanTheGracePeriodIsCutShort() {
    create(
        pod("stubborn", "nginx:1.23.1")
            .editMetadata()
            .withAnnotations(Map.of("sim.skiff.io/shutdown-time", "1m"))
            .endMetadata());
    awaitPod("stubborn", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("stubborn", p -> "Running".equals(p.getStatus().getPhase()));
    DeleteOptions grace = new DeleteOptions();
    grace.setGracePeriodSeconds(5L);
    cluster.pods.delete("default", "stubborn", grace);
    eventually(() -> !cluster.messages("stubborn", "Killing").isEmpty());
    cluster.advance(Duration.ofSeconds(4));
    assertThat(cluster.maybePod("stubborn")).isPresent();
    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> cluster.maybePod("stubborn").isEmpty());
  }

  @Test
  void startDelayAndNeverReadyAnnotations() {
    create(
        pod("lazy", "nginx:1.23.1")
            .editMetadata()
            .withAnnotations(
                Map.of("sim.skiff.io/start-delay", "3s", "sim.skiff.io/never-ready", "true"))
            .endMetadata());
    awaitPod("lazy", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    cluster.advance(Duration.ofSeconds(2));
    assertThat(waitingReason(cluster.pod("lazy"))).isEqualTo("ContainerCreating");
    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("lazy", p -> "Running".equals(p.getStatus().getPhase()));
    assertThat(container(running).getState().getRunning().getStartedAt())
        .isEqualTo(at(Duration.ofSeconds(4)));
    cluster.advance(Duration.ofHours(1));
    assertThat(container(cluster.pod("lazy")).getReady()).isFalse();
  }

  @Test
  void invalidAnnotationIsReportedOnceAndIgnored() {
    create(
        pod("odd", "nginx:1.23.1")
            .editMetadata()
            .withAnnotations(Map.of("sim.skiff.io/crash-after", "soon"))
            .endMetadata());
    awaitPod("odd", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("odd", p -> "Running".equals(p.getStatus().getPhase()));
    cluster.advance(Duration.ofMinutes(5));
    assertThat(container(cluster.pod("odd")).getRestartCount()).isZero();
    assertThat(cluster.messages("odd", "InvalidSimAnnotation"))
        .containsExactly(
            "Ignored annotation sim.skiff.io/crash-after=\"soon\": time: invalid duration \"soon\"");
  }

  @Test
  void podsOfAnotherNodeAreLeftAlone() {
    create(pod("elsewhere", "nginx:1.23.1").editSpec().withNodeName("not-a-node").endSpec());
    create(pod("here", "nginx:1.23.1"));
    awaitPod("here", PodLifecycleTest::hasStatuses);
    cluster.settle();
    assertThat(cluster.pod("elsewhere").getStatus().getContainerStatuses()).isEmpty();
    assertThat(cluster.pod("elsewhere").getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void statusIsWrittenOnlyWhenItChanges() {
    create(pod("quiet", "nginx:1.23.1"));
    awaitPod("quiet", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("quiet", p -> "Running".equals(p.getStatus().getPhase()));
    cluster.advance(Duration.ofMinutes(10));
    // A label change wakes the kubelet, which finds nothing to write.
    cluster.pods.patch(
        "default", "quiet", PatchType.MERGE_PATCH, "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
    cluster.advance(Duration.ofSeconds(1));
    Pod after = cluster.pod("quiet");
    assertThat(after.getStatus()).isEqualTo(running.getStatus());
  }

  @Test
  void changedImageRestartsTheContainerWithIt() {
    create(pod("img", "nginx:1.231"));
    awaitPod("img", PodLifecycleTest::hasStatuses);
    cluster.advance(Duration.ofSeconds(1));
    awaitPod("img", p -> "ErrImagePull".equals(waitingReason(p)));

    // Fixing the tag of a pod stuck on a pull starts it over at once, without a restart.
    cluster.pods.patch(
        "default",
        "img",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"containers\":[{\"name\":\"img\",\"image\":\"nginx:1.23.1\"}]}}");
    eventually(() -> cluster.messages("img", "Pulling").size() == 2);
    cluster.advance(Duration.ofSeconds(1));
    Pod running = awaitPod("img", p -> "Running".equals(p.getStatus().getPhase()));
    assertThat(container(running).getRestartCount()).isZero();
    assertThat(container(running).getImage()).isEqualTo("docker.io/library/nginx:1.23.1");

    // Changing the image of a running container stops it and starts the new one.
    cluster.pods.patch(
        "default",
        "img",
        PatchType.STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"containers\":[{\"name\":\"img\",\"image\":\"nginx:1.25\"}]}}");
    eventually(
        () ->
            cluster
                .messages("img", "Killing")
                .equals(List.of("Container img definition changed, will be restarted")));
    cluster.advance(Duration.ofSeconds(1));
    Pod updated =
        awaitPod("img", p -> container(p).getImage().equals("docker.io/library/nginx:1.25"));
    assertThat(container(updated).getRestartCount()).isEqualTo(1);
    assertThat(container(updated).getState().getRunning()).isNotNull();
    assertThat(container(updated).getLastState().getTerminated().getExitCode()).isZero();
  }
}
