package io.skiff.controllers.ttlafterfinished;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.skiff.api.errors.StatusError;
import io.skiff.client.Resources;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.job.JobUtil;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.QueueController;
import java.time.Instant;
import java.util.Optional;

/**
 * Deletes finished Jobs {@code ttlSecondsAfterFinished} after their {@code Complete} or {@code
 * Failed} condition, with their pods (foreground propagation): upstream's TTL-after-finished
 * controller. Before deleting it reads the Job again, so that a TTL changed meanwhile is honoured,
 * and deletes with a UID precondition, so that a new Job of the same name is never hit.
 */
public final class TtlAfterFinishedController extends QueueController {

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "ttl-after-finished";

  private final Resources<Job> jobs;
  private final Lister<Job> jobLister;

  public TtlAfterFinishedController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.jobs = ctx.client().resources(Job.class);
    SharedInformer<Job> informer = ctx.informers().informerFor(Job.class);
    this.jobLister = informer.lister();
    informer.addEventHandler(
        new ResourceEventHandler<Job>() {
          @Override
          public void onAdd(Job job) {
            if (job.getMetadata().getDeletionTimestamp() == null && needsCleanup(job)) {
              enqueue(job);
            }
          }

          @Override
          public void onUpdate(Job oldJob, Job newJob) {
            onAdd(newJob);
          }

          @Override
          public void onDelete(Job job) {}
        });
  }

  static boolean needsCleanup(Job job) {
    return job.getSpec().getTtlSecondsAfterFinished() != null && JobUtil.isFinished(job);
  }

  @Override
  protected Result sync(String key) {
    ObjectKey k = ObjectKey.parse(key);
    Optional<Job> cached = jobLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      return Result.done();
    }
    Optional<Instant> expiry = expiry(cached.get());
    if (expiry.isEmpty()) {
      return Result.done();
    }
    if (expiry.get().isAfter(clock().now())) {
      return Result.requeueAt(expiry.get());
    }
    // The cached TTL may be stale: decide on a fresh read.
    Optional<Job> fresh = jobs.get(k.namespace(), k.name());
    if (fresh.isEmpty()) {
      return Result.done();
    }
    expiry = expiry(fresh.get());
    if (expiry.isEmpty()) {
      return Result.done();
    }
    if (expiry.get().isAfter(clock().now())) {
      return Result.requeueAt(expiry.get());
    }
    DeleteOptions options =
        new DeleteOptionsBuilder()
            .withPropagationPolicy("Foreground")
            .withNewPreconditions()
            .withUid(fresh.get().getMetadata().getUid())
            .endPreconditions()
            .build();
    try {
      jobs.delete(k.namespace(), k.name(), options);
    } catch (StatusError e) {
      if (e.code() != 404) {
        throw e;
      }
    }
    return Result.done();
  }

  /** When the Job expires, or empty when it never does. */
  private Optional<Instant> expiry(Job job) {
    if (job.getMetadata().getDeletionTimestamp() != null || !needsCleanup(job)) {
      return Optional.empty();
    }
    Optional<Instant> finished = JobUtil.finishTime(job);
    if (finished.isEmpty() || finished.get() == null) {
      return Optional.empty();
    }
    return Optional.of(finished.get().plusSeconds(job.getSpec().getTtlSecondsAfterFinished()));
  }
}
