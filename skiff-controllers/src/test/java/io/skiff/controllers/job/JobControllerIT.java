package io.skiff.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.cronjob.CronJobController;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testcluster.RunningCluster;
import io.skiff.controllers.testing.Ticking;
import io.skiff.controllers.ttlafterfinished.TtlAfterFinishedController;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Job, CronJob and TTL-after-finished controllers in a manager over the in-process API server
 * (real defaulting, selector generation, validation, storage and watches) on a manual clock. The
 * test plays the kubelet: it ends pods Succeeded or Failed.
 */
class JobControllerIT {

  // How far the clock moves per poll while a test waits (see Ticking): far below the jobs' 10 s
  // pod-failure backoff and 60 s TTL, and below the CronJob's five-minute schedule.
  private static final Duration STEP = Duration.ofMillis(10);
  private static final Duration CRON_STEP = Duration.ofMillis(100);

  private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

  private final ManualClock clock = new ManualClock(START);

  @RegisterExtension
  final RunningCluster cluster =
      RunningCluster.inProcess()
          .clock(clock)
          .controller(JobController.NAME, JobController::new)
          .controller(CronJobController.NAME, CronJobController::new)
          .controller(TtlAfterFinishedController.NAME, TtlAfterFinishedController::new);

  private KubeClient client;
  private Resources<Job> jobs;
  private Resources<CronJob> cronJobs;
  private Resources<Pod> pods;

  @BeforeEach
  void resources() {
    client = cluster.client();
    jobs = client.resources(Job.class);
    cronJobs = client.resources(CronJob.class);
    pods = client.resources(Pod.class);
  }

  private static Job job(String name, int completions, int parallelism) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withCompletions(completions)
        .withParallelism(parallelism)
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("pi")
        .withImage("perl:5.34")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private List<Pod> podsOf(Job job) {
    return pods.list("default", ListOptions.all()).items().stream()
        .filter(p -> ControllerRefs.isControlledBy(p, job))
        .toList();
  }

  private List<Pod> runningPodsOf(Job job) {
    return podsOf(job).stream()
        .filter(p -> p.getStatus() == null || !"Succeeded".equals(p.getStatus().getPhase()))
        .filter(p -> p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase()))
        .toList();
  }

  private Job get(String name) {
    return jobs.get("default", name).orElseThrow();
  }

  /** What the kubelet reports when the pod's only container exits. */
  private void exit(Pod pod, int code) {
    String at = Times.format(clock.now());
    pods.updateStatus(
        new PodBuilder(pod)
            .withNewStatus()
            .withPhase(code == 0 ? "Succeeded" : "Failed")
            .addNewContainerStatus()
            .withName("pi")
            .withImage("perl:5.34")
            .withImageID("")
            .withReady(false)
            .withRestartCount(0)
            .withNewState()
            .withNewTerminated()
            .withExitCode(code)
            .withFinishedAt(at)
            .withStartedAt(at)
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build());
  }

  @Test
  void aJobRunsToCompletionAndIsDeletedAfterItsTtl() {
    Job created = job("pi", 3, 2);
    created.getSpec().setTtlSecondsAfterFinished(60);
    Job job = jobs.create(created);

    Ticking.awaitUntil(clock, STEP, () -> runningPodsOf(job).size() == 2);
    assertThat(podsOf(job))
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getFinalizers())
                  .containsExactly("batch.kubernetes.io/job-tracking");
              assertThat(p.getMetadata().getLabels())
                  .containsEntry("batch.kubernetes.io/job-name", "pi");
            });

    while (!JobUtil.isFinished(get("pi"))) {
      List<Pod> running = runningPodsOf(job);
      if (!running.isEmpty()) {
        exit(running.getFirst(), 0);
      }
      clock.advance(Duration.ofSeconds(1));
      Ticking.awaitUntil(
          clock,
          STEP,
          () ->
              JobUtil.isFinished(get("pi"))
                  || podsOf(job).stream()
                      .noneMatch(
                          p ->
                              "Succeeded".equals(p.getStatus().getPhase())
                                  && !p.getMetadata().getFinalizers().isEmpty()));
    }

    Job done = get("pi");
    assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
    assertThat(done.getStatus().getFailed()).isNull();
    assertThat(done.getStatus().getActive()).isNull();
    assertThat(JobUtil.finishedType(done)).contains("Complete");
    assertThat(done.getStatus().getCompletionTime()).isNotNull();
    assertThat(podsOf(job)).hasSize(3).allMatch(p -> p.getMetadata().getFinalizers().isEmpty());
    Ticking.awaitUntil(
        clock,
        STEP,
        () ->
            client.resources(Event.class).list("default", ListOptions.all()).items().stream()
                .anyMatch(
                    e ->
                        "Completed".equals(e.getReason())
                            && "Job completed".equals(e.getMessage())
                            && "job-controller".equals(e.getSource().getComponent())));

    clock.advance(Duration.ofSeconds(61));
    // Foreground deletion: the Job is marked until the garbage collector has deleted its pods.
    Ticking.awaitUntil(
        clock,
        STEP,
        () ->
            jobs.get("default", "pi")
                .map(j -> j.getMetadata().getDeletionTimestamp() != null)
                .orElse(true));
  }

  @Test
  void aJobFailsAfterItsBackoffLimit() {
    Job created = job("flaky", 1, 1);
    created.getSpec().setBackoffLimit(1);
    Job job = jobs.create(created);

    Ticking.awaitUntil(clock, STEP, () -> runningPodsOf(job).size() == 1);
    exit(runningPodsOf(job).getFirst(), 1);
    Ticking.awaitUntil(
        clock, STEP, () -> Integer.valueOf(1).equals(get("flaky").getStatus().getFailed()));
    assertThat(runningPodsOf(job)).as("the replacement waits for the backoff").isEmpty();

    clock.advance(Duration.ofSeconds(10));
    Ticking.awaitUntil(clock, STEP, () -> runningPodsOf(job).size() == 1);
    exit(runningPodsOf(job).getFirst(), 1);

    Ticking.awaitUntil(clock, STEP, () -> JobUtil.isFinished(get("flaky")));
    Job failed = get("flaky");
    assertThat(failed.getStatus().getFailed()).isEqualTo(2);
    assertThat(JobUtil.condition(failed, "Failed").orElseThrow().getReason())
        .isEqualTo("BackoffLimitExceeded");
  }

  @Test
  void aCronJobCreatesJobsOnTheClockAndTrimsItsHistory() {
    cronJobs.create(
        new CronJobBuilder()
            .withNewMetadata()
            .withName("tick")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withSchedule("*/5 * * * *")
            .withSuccessfulJobsHistoryLimit(2)
            .withNewJobTemplate()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("OnFailure")
            .addNewContainer()
            .withName("pi")
            .withImage("busybox:1.36")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .endJobTemplate()
            .endSpec()
            .build());

    // Requeues land 100 ms after each start time: keep the clock a second past them.
    clock.advance(Duration.ofSeconds(1));
    for (int round = 1; round <= 4; round++) {
      clock.advance(Duration.ofMinutes(5));
      Instant due = START.plus(Duration.ofMinutes(5L * round));
      Ticking.awaitUntil(clock, CRON_STEP, () -> due.equals(lastScheduleTime("tick")));
      Job latest =
          jobs.list("default", ListOptions.all()).items().stream()
              .filter(j -> !JobUtil.isFinished(j))
              .findFirst()
              .orElseThrow();
      assertThat(latest.getMetadata().getName()).isEqualTo("tick-" + due.getEpochSecond() / 60);
      Ticking.awaitUntil(clock, CRON_STEP, () -> runningPodsOf(latest).size() == 1);
      exit(runningPodsOf(latest).getFirst(), 0);
      Ticking.awaitUntil(
          clock,
          CRON_STEP,
          () ->
              jobs.get("default", latest.getMetadata().getName())
                  .map(JobUtil::isFinished)
                  .orElse(true));
    }

    Ticking.awaitUntil(
        clock, CRON_STEP, () -> jobs.list("default", ListOptions.all()).items().size() == 2);
    // The last Job's completion reaches the CronJob's status in a sync of its own.
    Instant lastStart = START.plus(Duration.ofMinutes(20));
    Ticking.awaitUntil(
        clock,
        CRON_STEP,
        () -> {
          CronJobStatus status = cronJobs.get("default", "tick").orElseThrow().getStatus();
          Instant lastSuccess = Times.parse(status.getLastSuccessfulTime());
          return lastSuccess != null
              && lastSuccess.isAfter(lastStart)
              && (status.getActive() == null || status.getActive().isEmpty());
        });
    assertThat(jobs.list("default", ListOptions.all()).items())
        .extracting(
            j ->
                j.getMetadata()
                    .getAnnotations()
                    .get("batch.kubernetes.io/cronjob-scheduled-timestamp"))
        .containsExactlyInAnyOrder("2024-05-01T10:15:00Z", "2024-05-01T10:20:00Z");
  }

  /** The CronJob's {@code status.lastScheduleTime}, or null while it has none. */
  private Instant lastScheduleTime(String name) {
    CronJob cronJob = cronJobs.get("default", name).orElseThrow();
    return cronJob.getStatus() == null
        ? null
        : Times.parse(cronJob.getStatus().getLastScheduleTime());
  }
}
