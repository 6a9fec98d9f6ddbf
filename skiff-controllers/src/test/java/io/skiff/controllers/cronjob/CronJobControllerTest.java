package io.skiff.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.job.JobUtil;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.QueueController.Result;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import io.skiff.controllers.testing.RecordingEventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The CronJob controller against a fake API on a manual clock: schedules run over virtual hours and
 * days; the test finishes Jobs itself, as the Job controller would.
 */
class CronJobControllerTest {

  private static final Instant CREATED = Instant.parse("2024-05-01T10:00:00Z");

  private final ManualClock clock = new ManualClock(CREATED);
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final RecordingEventRecorder events = new RecordingEventRecorder();
  private final ControllerContext ctx =
      ControllerContext.builder(client, clock).recorders(component -> events).build();
  private final CronJobController controller = new CronJobController(ctx);
  private final Indexer<CronJob> cronJobCache =
      ctx.informers().informerFor(CronJob.class).indexer();
  private final Indexer<Job> jobCache = ctx.informers().informerFor(Job.class).indexer();

  static CronJob cronJob(String schedule, Consumer<CronJobBuilder> edit) {
    CronJobBuilder b =
        new CronJobBuilder()
            .withNewMetadata()
            .withName("hello")
            .withNamespace("default")
            .withUid("cj-uid")
            .withCreationTimestamp(Times.format(CREATED))
            .endMetadata()
            .withNewSpec()
            .withSchedule(schedule)
            .withConcurrencyPolicy("Allow")
            .withSuspend(false)
            .withSuccessfulJobsHistoryLimit(3)
            .withFailedJobsHistoryLimit(1)
            .withNewJobTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "hello"))
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("OnFailure")
            .addNewContainer()
            .withName("hello")
            .withImage("busybox:1.36")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .endJobTemplate()
            .endSpec();
    edit.accept(b);
    return b.build();
  }

  private void given(CronJob cj) {
    cronJobCache.put(client.seed(cj));
  }

  private void catchUp() {
    client.stored(CronJob.class).forEach(cronJobCache::put);
    jobCache.replace(client.stored(Job.class));
  }

  private Result sync() throws Exception {
    Result r = controller.sync("default/hello");
    catchUp();
    return r;
  }

  private CronJob stored() {
    return client.stored(CronJob.class, "default", "hello").orElseThrow();
  }

  private List<String> jobNames() {
    return client.stored(Job.class).stream().map(j -> j.getMetadata().getName()).toList();
  }

  /** Advances the clock by the requeue delay, as the work queue would. */
  private Result advanceAndSync(Result previous) throws Exception {
    assertThat(previous).isNotEqualTo(Result.done());
    clock.advance(delayOf(previous));
    return sync();
  }

  private Duration delayOf(Result r) {
    for (Duration d = Duration.ZERO; d.compareTo(Duration.ofDays(400)) < 0; d = d.plusMillis(100)) {
      if (r.equals(Result.requeueAt(clock.now().plus(d)))) {
        return d;
      }
    }
    throw new AssertionError("not a requeue within 400 days: " + r);
  }

  private void finishJob(String name, String type, Instant at) {
    Job j = client.stored(Job.class, "default", name).orElseThrow();
    Job done =
        new JobBuilder(j)
            .withNewStatus()
            .withStartTime(j.getMetadata().getCreationTimestamp())
            .withCompletionTime("Complete".equals(type) ? Times.format(at) : null)
            .addNewCondition()
            .withType(type)
            .withStatus("True")
            .withLastTransitionTime(Times.format(at))
            .endCondition()
            .endStatus()
            .build();
    client.resources(Job.class).updateStatus(done);
  }

  private static long minutes(String iso) {
    return Instant.parse(iso).getEpochSecond() / 60;
  }

  @Test
  void createsAJobAtEachScheduleTimeAndRequeuesForTheNext() throws Exception {
    given(cronJob("*/5 * * * *", b -> {}));

    Result r = sync();
    assertThat(r)
        .isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofMinutes(5).plusMillis(100))));
    assertThat(jobNames()).isEmpty();

    r = advanceAndSync(r);
    String name = "hello-" + minutes("2024-05-01T10:05:00Z");
    assertThat(jobNames()).containsExactly(name);
    Job job = client.stored(Job.class, "default", name).orElseThrow();
    assertThat(job.getMetadata().getLabels()).containsEntry("app", "hello");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("batch.kubernetes.io/cronjob-scheduled-timestamp", "2024-05-01T10:05:00Z");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("CronJob");
              assertThat(o.getUid()).isEqualTo("cj-uid");
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("busybox:1.36");
    assertThat(stored().getStatus().getLastScheduleTime()).isEqualTo("2024-05-01T10:05:00Z");
    assertThat(stored().getStatus().getActive())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getName()).isEqualTo(name);
              assertThat(a.getKind()).isEqualTo("Job");
              assertThat(a.getApiVersion()).isEqualTo("batch/v1");
            });
    assertThat(events.events())
        .containsExactly("CronJob hello: Normal SuccessfulCreate Created job " + name);
    // Synced at 10:05:00.1: the next start is 10:10, again 100 ms late.
    assertThat(r).isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofMinutes(5))));

    // Over an hour of virtual time, one Job per five minutes.
    for (int i = 0; i < 12; i++) {
      r = advanceAndSync(r);
    }
    assertThat(jobNames()).hasSize(13);
  }

  @Test
  void aFinishedJobLeavesTheActiveListAndSetsLastSuccessfulTime() throws Exception {
    given(cronJob("@hourly", b -> {}));
    Result r = advanceAndSync(sync());
    String name = jobNames().getFirst();
    assertThat(name).isEqualTo("hello-" + minutes("2024-05-01T11:00:00Z"));

    finishJob(name, "Complete", Instant.parse("2024-05-01T11:00:30Z"));
    catchUp();
    sync();

    assertThat(stored().getStatus().getActive()).isEmpty();
    assertThat(stored().getStatus().getLastSuccessfulTime()).isEqualTo("2024-05-01T11:00:30Z");
    assertThat(events.events())
        .contains(
            "CronJob hello: Normal SawCompletedJob Saw completed job: "
                + name
                + ", status: Complete");
    assertThat(r).isNotEqualTo(Result.done());
  }

  @Test
  void forbidSkipsAStartWhileTheLastJobRuns() throws Exception {
    given(cronJob("*/10 * * * *", b -> b.editSpec().withConcurrencyPolicy("Forbid").endSpec()));
    Result r = advanceAndSync(sync());
    assertThat(jobNames()).hasSize(1);

    r = advanceAndSync(r);
    assertThat(jobNames()).hasSize(1);
    assertThat(events.events())
        .contains(
            "CronJob hello: Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid");

    finishJob(jobNames().getFirst(), "Complete", clock.now());
    catchUp();
    sync();
    assertThat(jobNames()).as("the skipped start time is still the most recent one").hasSize(2);
  }

  @Test
  void replaceDeletesTheRunningJobForTheNewOne() throws Exception {
    given(cronJob("*/10 * * * *", b -> b.editSpec().withConcurrencyPolicy("Replace").endSpec()));
    Result r = advanceAndSync(sync());
    String first = jobNames().getFirst();

    advanceAndSync(r);

    String second = "hello-" + minutes("2024-05-01T10:20:00Z");
    assertThat(jobNames()).containsExactly(second);
    assertThat(stored().getStatus().getActive())
        .extracting(a -> a.getName())
        .containsExactly(second);
    assertThat(events.events())
        .contains("CronJob hello: Normal SuccessfulDelete Deleted job " + first);
  }

  @Test
  void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() throws Exception {
    given(
        cronJob(
            "@daily",
            b ->
                b.editSpec()
                    .withSuccessfulJobsHistoryLimit(2)
                    .withFailedJobsHistoryLimit(1)
                    .endSpec()));
    Result r = sync();
    // Five virtual days: four Jobs succeed, one fails.
    for (int day = 0; day < 5; day++) {
      r = advanceAndSync(r);
      String newest =
          client.stored(Job.class).stream()
              .filter(j -> !JobUtil.isFinished(j))
              .findFirst()
              .orElseThrow()
              .getMetadata()
              .getName();
      finishJob(newest, day == 2 ? "Failed" : "Complete", clock.now().plusSeconds(60));
      catchUp();
      sync();
    }
    List<Job> left = client.stored(Job.class);
    assertThat(left).hasSize(3);
    assertThat(left.stream().filter(j -> JobUtil.finishedType(j).orElseThrow().equals("Complete")))
        .extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "hello-" + minutes("2024-05-05T00:00:00Z"), "hello-" + minutes("2024-05-06T00:00:00Z"));
    assertThat(events.events().stream().filter(e -> e.contains("SuccessfulDelete"))).hasSize(2);
  }

  @Test
  void aStartMissedBeyondTheStartingDeadlineIsSkipped() throws Exception {
    given(cronJob("0 * * * *", b -> b.editSpec().withStartingDeadlineSeconds(30L).endSpec()));
    // The controller was away from 10:00 until 11:01: the 11:00 start is out of the window, so,
    // as upstream's v2 controller, it does not even see it (no Job, no MissSchedule).
    clock.advance(Duration.ofMinutes(61));
    Result r = sync();

    assertThat(jobNames()).isEmpty();
    assertThat(events.events()).isEmpty();
    assertThat(r)
        .isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofMinutes(59).plusMillis(100))));

    advanceAndSync(r);
    assertThat(jobNames()).containsExactly("hello-" + minutes("2024-05-01T12:00:00Z"));
  }

  @Test
  void aStartWithinTheStartingDeadlineStillRuns() throws Exception {
    given(cronJob("0 * * * *", b -> b.editSpec().withStartingDeadlineSeconds(120L).endSpec()));
    clock.advance(Duration.ofMinutes(61));
    sync();
    assertThat(jobNames()).containsExactly("hello-" + minutes("2024-05-01T11:00:00Z"));
  }

  @Test
  void manyMissedStartsWarnAndRunOnlyTheMostRecent() throws Exception {
    given(cronJob("* * * * *", b -> {}));
    clock.advance(Duration.ofHours(3).plusSeconds(30));
    sync();

    assertThat(jobNames()).containsExactly("hello-" + minutes("2024-05-01T13:00:00Z"));
    assertThat(events.events())
        .contains(
            "CronJob hello: Warning TooManyMissedTimes too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
  }

  @Test
  void aTimeZoneShiftsTheScheduleAndTheAnnotation() throws Exception {
    given(cronJob("0 9 * * *", b -> b.editSpec().withTimeZone("Europe/Berlin").endSpec()));
    Result r = sync();
    // 09:00 in Berlin (CEST, +02:00) is 07:00 UTC the next day.
    assertThat(r)
        .isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofHours(21).plusMillis(100))));
    advanceAndSync(r);
    Job job = client.stored(Job.class).getFirst();
    assertThat(job.getMetadata().getName()).isEqualTo("hello-" + minutes("2024-05-02T07:00:00Z"));
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(
            "batch.kubernetes.io/cronjob-scheduled-timestamp", "2024-05-02T09:00:00+02:00");
  }

  @Test
  void aSuspendedCronJobStartsNothingAndWaitsForAChange() throws Exception {
    given(cronJob("* * * * *", b -> b.editSpec().withSuspend(true).endSpec()));
    clock.advance(Duration.ofMinutes(10));
    assertThat(sync()).isEqualTo(Result.done());
    assertThat(jobNames()).isEmpty();
  }

  @Test
  void aJobDeletedBehindTheControllersBackLeavesTheActiveList() throws Exception {
    given(cronJob("@hourly", b -> {}));
    advanceAndSync(sync());
    String name = jobNames().getFirst();
    client.resources(Job.class).delete("default", name, null);
    catchUp();
    sync();
    assertThat(stored().getStatus().getActive()).isEmpty();
    assertThat(events.events())
        .contains("CronJob hello: Normal MissingJob Active job went missing: " + name);
  }

  @Test
  void anUnparseableScheduleIsReported() throws Exception {
    given(cronJob("61 * * * *", b -> {}));
    assertThat(sync()).isEqualTo(Result.done());
    assertThat(events.events())
        .singleElement()
        .asString()
        .startsWith(
            "CronJob hello: Warning UnparseableSchedule unparseable schedule: \"61 * * * *\" : ");
  }
}
