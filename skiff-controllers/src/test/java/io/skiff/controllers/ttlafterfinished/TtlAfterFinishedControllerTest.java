package io.skiff.controllers.ttlafterfinished;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.skiff.client.informer.Indexer;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.QueueController.Result;
import io.skiff.controllers.runtime.Times;
import io.skiff.controllers.testing.FakeKubeClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Finished Jobs are deleted ttlSecondsAfterFinished after finishing, on the manual clock. */
class TtlAfterFinishedControllerTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
  private final FakeKubeClient client = new FakeKubeClient(clock);
  private final ControllerContext ctx = ControllerContext.of(client, clock);
  private final TtlAfterFinishedController controller = new TtlAfterFinishedController(ctx);
  private final Indexer<Job> cache = ctx.informers().informerFor(Job.class).indexer();

  private Job job(Integer ttl, String finishedType) {
    JobBuilder b =
        new JobBuilder()
            .withNewMetadata()
            .withName("pi")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withTtlSecondsAfterFinished(ttl)
            .endSpec();
    if (finishedType != null) {
      b.withNewStatus()
          .addNewCondition()
          .withType(finishedType)
          .withStatus("True")
          .withLastTransitionTime(Times.format(clock.now()))
          .endCondition()
          .endStatus();
    }
    Job stored = client.seed(b.build());
    cache.put(stored);
    return stored;
  }

  @Test
  void aFinishedJobIsDeletedOnceItsTtlHasPassed() {
    job(100, "Complete");
    clock.advance(Duration.ofSeconds(40));

    assertThat(controller.sync("default/pi"))
        .isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofSeconds(60))));
    assertThat(client.actions("delete", "jobs")).isEmpty();

    clock.advance(Duration.ofSeconds(60));
    assertThat(controller.sync("default/pi")).isEqualTo(Result.done());

    assertThat(client.actions("get", "jobs")).as("the TTL is checked on a fresh read").hasSize(1);
    assertThat(client.actions("delete", "jobs")).hasSize(1);
    assertThat(client.stored(Job.class)).isEmpty();
  }

  @Test
  void aFailedJobExpiresToo() {
    job(0, "Failed");
    controller.sync("default/pi");
    assertThat(client.stored(Job.class)).isEmpty();
  }

  @Test
  void aRunningJobOrOneWithoutTtlIsKept() {
    job(0, null);
    assertThat(controller.sync("default/pi")).isEqualTo(Result.done());
    assertThat(client.stored(Job.class)).hasSize(1);
  }

  @Test
  void aTtlRaisedMeanwhileIsHonoured() {
    job(10, "Complete");
    clock.advance(Duration.ofSeconds(10));
    Job raised = client.stored(Job.class, "default", "pi").orElseThrow();
    raised.getSpec().setTtlSecondsAfterFinished(3600);
    client.resources(Job.class).update(raised);

    assertThat(controller.sync("default/pi"))
        .isEqualTo(Result.requeueAt(clock.now().plus(Duration.ofSeconds(3590))));
    assertThat(client.stored(Job.class)).hasSize(1);
  }
}
