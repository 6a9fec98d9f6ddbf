package io.skiff.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.skiff.client.KubeObjects;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.QueueController.Result;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Job controller against a fake API on a manual clock; the test feeds the informer caches and
 * plays the kubelet (pods Succeeded or Failed with terminated containers).
 */
class JobControllerTest {

  private static final String UID = "11111111-2222-3333-4444-555555555555";
  private static final String KEY = "default/pi";

  private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final JobController controller = new JobController(ctx);
  private final Indexer<Job> jobCache = ctx.informers().informerFor(Job.class).indexer();
  private final Indexer<Pod> podCache = ctx.informers().informerFor(Pod.class).indexer();

  static Job job(Consumer<JobBuilder> edit) {
    Map<String, String> labels =
        Map.of("batch.kubernetes.io/controller-uid", UID, "batch.kubernetes.io/job-name", "pi");
    JobBuilder b =
        new JobBuilder()
            .withNewMetadata()
            .withName("pi")
            .withNamespace("default")
            .withUid(UID)
            .endMetadata()
            .withNewSpec()
            .withCompletions(1)
            .withParallelism(1)
            .withBackoffLimit(6)
            .withCompletionMode("NonIndexed")
            .withSuspend(false)
            .withNewSelector()
            .withMatchLabels(Map.of("batch.kubernetes.io/controller-uid", UID))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("pi")
            .withImage("perl:5.34")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec();
    edit.accept(b);
    return b.build();
  }

  private void given(Job job) {
    jobCache.put(client.seed(job));
  }

  /** The informers catch up with the API, telling the controller what changed. */
  private void informersCatchUp() {
    Set<String> live = new HashSet<>();
    for (Pod p : client.stored(Pod.class)) {
      live.add(KubeObjects.key(p));
      var old = podCache.put(p);
      if (old.isEmpty()) {
        controller.addPod(p);
      } else if (!old.get()
          .getMetadata()
          .getResourceVersion()
          .equals(p.getMetadata().getResourceVersion())) {
        controller.updatePod(old.get(), p);
      }
    }
    for (Pod cached : podCache.list()) {
      if (!live.contains(KubeObjects.key(cached))) {
        podCache.remove(cached);
        controller.deletePod(cached, true);
      }
    }
    client.stored(Job.class).forEach(jobCache::put);
  }

  private Result sync() throws Exception {
    Result r = controller.sync(KEY);
    informersCatchUp();
    return r;
  }

  private Job storedJob() {
    return client.stored(Job.class, "default", "pi").orElseThrow();
  }

  private List<Pod> pods() {
    return client.stored(Pod.class);
  }

  /** What the kubelet does when the pod's container exits with {@code exitCode}. */
  private void finish(Pod pod, int exitCode) {
    String at = Times.format(clock.now());
    Pod done =
        new PodBuilder(pod)
            .withNewStatus()
            .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
            .addNewCondition()
            .withType("Ready")
            .withStatus("False")
            .withLastTransitionTime(at)
            .endCondition()
            .addNewContainerStatus()
            .withName("pi")
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(exitCode == 0 ? "Completed" : "Error")
            .withFinishedAt(at)
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    client.resources(Pod.class).updateStatus(done);
  }

  private void runReady(Pod pod) {
    Pod running =
        new PodBuilder(pod)
            .editSpec()
            .withNodeName("node-1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastTransitionTime(Times.format(clock.now()))
            .endCondition()
            .endStatus()
            .build();
    client.resources(Pod.class).updateStatus(running);
  }

  private static List<Pod> active(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() == null || !"Succeeded".equals(p.getStatus().getPhase()))
        .filter(p -> p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase()))
        .toList();
  }

  @Test
  void runsPodsToCompletionCountingEachOnceThroughTheTrackingFinalizer() throws Exception {
    given(job(b -> b.editSpec().withCompletions(2).withParallelism(1).endSpec()));

    assertThat(sync()).isEqualTo(Result.done());
    assertThat(pods()).hasSize(1);
    Pod first = pods().getFirst();
    assertThat(first.getMetadata().getGenerateName()).isEqualTo("pi-");
    assertThat(first.getMetadata().getFinalizers()).containsExactly(JobUtil.TRACKING_FINALIZER);
    assertThat(first.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKind()).isEqualTo("Job");
              assertThat(r.getApiVersion()).isEqualTo("batch/v1");
              assertThat(r.getUid()).isEqualTo(UID);
              assertThat(r.getController()).isTrue();
            });
    assertThat(storedJob().getStatus().getActive()).isEqualTo(1);
    assertThat(storedJob().getStatus().getStartTime()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(storedJob().getStatus().getUncountedTerminatedPods()).isNotNull();

    clock.advance(Duration.ofSeconds(5));
    finish(first, 0);
    informersCatchUp();
    sync();

    Pod counted = client.stored(Pod.class, "default", first.getMetadata().getName()).orElseThrow();
    assertThat(counted.getMetadata().getFinalizers()).isEmpty();
    assertThat(storedJob().getStatus().getSucceeded()).isEqualTo(1);
    assertThat(storedJob().getStatus().getUncountedTerminatedPods().getSucceeded()).isEmpty();
    assertThat(active(pods())).as("the second completion's pod").hasSize(1);

    // A second sync on the same state counts nothing again.
    sync();
    assertThat(storedJob().getStatus().getSucceeded()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(5));
    finish(active(pods()).getFirst(), 0);
    informersCatchUp();
    sync();

    Job done = storedJob();
    assertThat(done.getStatus().getSucceeded()).isEqualTo(2);
    assertThat(done.getStatus().getActive()).isNull();
    assertThat(done.getStatus().getCompletionTime()).isEqualTo("2024-05-01T10:00:10Z");
    assertThat(done.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Complete");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(events.events())
        .filteredOn(e -> e.contains("SuccessfulCreate"))
        .hasSize(2)
        .allMatch(e -> e.matches("Job pi: Normal SuccessfulCreate Created pod: pi-\\d{5}"));
    assertThat(events.events()).contains("Job pi: Normal Completed Job completed");
    assertThat(pods()).allMatch(p -> p.getMetadata().getFinalizers().isEmpty());
  }

  @Test
  void aFailedPodIsReplacedAfterTheBackoffAndTooManyFailuresFailTheJob() throws Exception {
    given(job(b -> b.editSpec().withBackoffLimit(1).endSpec()));
    sync();
    finish(pods().getFirst(), 1);
    informersCatchUp();

    Result r = sync();
    assertThat(storedJob().getStatus().getFailed()).isEqualTo(1);
    assertThat(r)
        .as("first failure: 10 s backoff")
        .isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofSeconds(10))));
    assertThat(active(pods())).isEmpty();

    clock.advance(Duration.ofSeconds(9));
    assertThat(sync()).isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofSeconds(1))));
    assertThat(active(pods())).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    sync();
    assertThat(active(pods())).hasSize(1);

    finish(active(pods()).getFirst(), 1);
    informersCatchUp();
    sync();

    Job failed = storedJob();
    assertThat(failed.getStatus().getFailed()).isEqualTo(2);
    assertThat(failed.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Failed");
              assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
              assertThat(c.getMessage()).isEqualTo("Job has reached the specified backoff limit");
            });
    assertThat(failed.getStatus().getCompletionTime()).isNull();
    assertThat(events.events())
        .contains(
            "Job pi: Warning BackoffLimitExceeded Job has reached the specified backoff limit");
    assertThat(pods()).allMatch(p -> p.getMetadata().getFinalizers().isEmpty());
  }

  @Test
  void activeDeadlineSecondsKillsTheActivePodsAndFailsTheJob() throws Exception {
    given(job(b -> b.editSpec().withActiveDeadlineSeconds(30L).endSpec()));
    assertThat(sync()).isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofSeconds(30))));
    runReady(pods().getFirst());
    informersCatchUp();
    assertThat(sync()).isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofSeconds(30))));
    assertThat(storedJob().getStatus().getReady()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    sync();

    assertThat(client.actions("delete", "pods")).hasSize(1);
    Job failed = storedJob();
    assertThat(failed.getStatus().getFailed()).isEqualTo(1);
    assertThat(failed.getStatus().getActive()).isNull();
    assertThat(failed.getStatus().getConditions())
        .extracting(JobCondition::getType, JobCondition::getReason, JobCondition::getMessage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Failed", "DeadlineExceeded", "Job was active longer than specified deadline"));
    assertThat(events.events())
        .contains("Job pi: Warning DeadlineExceeded Job was active longer than specified deadline");
  }

  @Test
  void aSuspendedJobRunsNoPodsAndResumingStartsTheClock() throws Exception {
    given(job(b -> b.editSpec().withSuspend(true).endSpec()));
    sync();

    assertThat(pods()).isEmpty();
    Job suspended = storedJob();
    assertThat(suspended.getStatus().getStartTime()).isNull();
    assertThat(suspended.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Suspended");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("JobSuspended");
              assertThat(c.getMessage()).isEqualTo("Job suspended");
            });
    assertThat(events.events()).containsExactly("Job pi: Normal Suspended Job suspended");

    clock.advance(Duration.ofMinutes(1));
    Job resume = storedJob();
    resume.getSpec().setSuspend(false);
    client.resources(Job.class).update(resume);
    informersCatchUp();
    sync();

    assertThat(pods()).hasSize(1);
    Job resumed = storedJob();
    assertThat(resumed.getStatus().getStartTime()).isEqualTo("2024-05-01T10:01:00Z");
    assertThat(resumed.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("JobResumed");
            });
    assertThat(events.events()).contains("Job pi: Normal Resumed Job resumed");
  }

  @Test
  void suspendingARunningJobDeletesItsPods() throws Exception {
    given(job(b -> b.editSpec().withParallelism(2).withCompletions(4).endSpec()));
    sync();
    assertThat(pods()).hasSize(2);
    Job suspend = storedJob();
    suspend.getSpec().setSuspend(true);
    client.resources(Job.class).update(suspend);
    informersCatchUp();

    sync();

    assertThat(client.actions("delete", "pods")).hasSize(2);
    assertThat(storedJob().getStatus().getActive()).isNull();
    assertThat(JobUtil.condition(storedJob(), "Suspended").orElseThrow().getStatus())
        .isEqualTo("True");
  }

  @Test
  void indexedJobGivesEachPodAnIndexAndReportsCompletedIndexes() throws Exception {
    given(
        job(
            b ->
                b.editSpec()
                    .withCompletionMode("Indexed")
                    .withCompletions(3)
                    .withParallelism(2)
                    .endSpec()));
    sync();

    assertThat(pods()).hasSize(2);
    assertThat(pods())
        .extracting(p -> p.getMetadata().getAnnotations().get(JobUtil.COMPLETION_INDEX_KEY))
        .containsExactlyInAnyOrder("0", "1");
    Pod one =
        pods().stream()
            .filter(p -> "1".equals(p.getMetadata().getLabels().get(JobUtil.COMPLETION_INDEX_KEY)))
            .findFirst()
            .orElseThrow();
    assertThat(one.getMetadata().getName()).startsWith("pi-1-");
    assertThat(one.getSpec().getHostname()).isEqualTo("pi-1");
    assertThat(one.getSpec().getContainers().getFirst().getEnv())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
            });

    finish(one, 0);
    informersCatchUp();
    sync();

    assertThat(storedJob().getStatus().getCompletedIndexes()).isEqualTo("1");
    assertThat(storedJob().getStatus().getSucceeded()).isEqualTo(1);
    assertThat(active(pods()))
        .extracting(p -> p.getMetadata().getAnnotations().get(JobUtil.COMPLETION_INDEX_KEY))
        .containsExactlyInAnyOrder("0", "2");

    for (Pod p : active(pods())) {
      finish(p, 0);
    }
    informersCatchUp();
    sync();

    assertThat(storedJob().getStatus().getCompletedIndexes()).isEqualTo("0-2");
    assertThat(JobUtil.finishedType(storedJob())).contains("Complete");
  }

  @Test
  void aJobWithoutCompletionsIsCompleteWhenOnePodSucceededAndTheRestFinished() throws Exception {
    given(job(b -> b.editSpec().withCompletions(null).withParallelism(2).endSpec()));
    sync();
    assertThat(pods()).hasSize(2);
    finish(pods().get(0), 0);
    informersCatchUp();
    sync();
    assertThat(active(pods())).as("no replacement after a success").hasSize(1);
    assertThat(JobUtil.isFinished(storedJob())).isFalse();

    finish(active(pods()).getFirst(), 0);
    informersCatchUp();
    sync();
    assertThat(JobUtil.finishedType(storedJob())).contains("Complete");
    assertThat(storedJob().getStatus().getSucceeded()).isEqualTo(2);
  }

  @Test
  void expectationsBlockDuplicateCreatesUntilTheCacheSeesThePods() throws Exception {
    given(job(b -> b.editSpec().withCompletions(3).withParallelism(3).endSpec()));
    controller.sync(KEY);
    assertThat(client.actions("create", "pods")).hasSize(3);
    client.clearActions();
    // The Job's status write is seen, the pods are not.
    client.stored(Job.class).forEach(jobCache::put);
    controller.sync(KEY);
    assertThat(client.actions("create", "pods")).isEmpty();
  }

  @Test
  void podsOfADeletedJobLoseTheirFinalizer() throws Exception {
    given(job(b -> {}));
    sync();
    Job job = storedJob();
    client.resources(Job.class).delete("default", "pi", null);
    jobCache.remove(job);
    controller.deleteJob(job);

    while (controller.queue().length() > 0) {
      controller.processNextWorkItem();
    }

    assertThat(pods()).allMatch(p -> p.getMetadata().getFinalizers().isEmpty());
  }
}
