package io.skiff.controllers.cronjob;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.job.JobUtil;
import io.skiff.controllers.runtime.ClientPodControl;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.Times;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Creates a CronJob's Jobs on schedule: upstream's CronJob controller v2 ({@code
 * cronjob_controllerv2.go}). Each sync trims the finished Jobs beyond the history limits,
 * reconciles {@code status.active} with the Jobs it sees, then, unless suspended, starts the most
 * recent missed start time (if within {@code startingDeadlineSeconds}, as {@code concurrencyPolicy}
 * allows) and asks to be synced again at the next start time on the clock.
 *
 * <p>Job names are {@code <cronjob>-<minutes since the epoch>} of the start time, so a start time
 * never gets two Jobs; the Job carries the {@code batch.kubernetes.io/cronjob-scheduled-timestamp}
 * annotation.
 */
public final class CronJobController extends QueueController {

  private static final System.Logger log = System.getLogger(CronJobController.class.getName());

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "cronjob";

  /** The component its events are reported by. */
  public static final String EVENT_SOURCE = "cronjob-controller";

  private static final String API_VERSION = "batch/v1";
  private static final String KIND = "CronJob";

  /** Go's time.RFC1123Z, used in the MissSchedule event. */
  private static final DateTimeFormatter RFC1123Z =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private final Resources<CronJob> cronJobs;
  private final Resources<Job> jobs;
  private final EventRecorder recorder;
  private final Lister<CronJob> cronJobLister;
  private final Lister<Job> jobLister;

  public CronJobController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.cronJobs = ctx.client().resources(CronJob.class);
    this.jobs = ctx.client().resources(Job.class);
    this.recorder = ctx.recorder(EVENT_SOURCE);

    SharedInformer<CronJob> cronJobInformer = ctx.informers().informerFor(CronJob.class);
    this.cronJobLister = cronJobInformer.lister();
    cronJobInformer.addEventHandler(enqueueingHandler());

    SharedInformer<Job> jobInformer = ctx.informers().informerFor(Job.class);
    this.jobLister = jobInformer.lister();
    jobInformer.addEventHandler(
        new ResourceEventHandler<Job>() {
          @Override
          public void onAdd(Job job) {
            enqueueController(job);
          }

          @Override
          public void onUpdate(Job oldJob, Job newJob) {
            if (!Objects.equals(
                ControllerRefs.controllerOf(oldJob), ControllerRefs.controllerOf(newJob))) {
              enqueueController(oldJob);
            }
            enqueueController(newJob);
          }

          @Override
          public void onDelete(Job job) {
            enqueueController(job);
          }
        });
  }

  private void enqueueController(Job job) {
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(job);
    if (ref.isEmpty() || !KIND.equals(ref.get().getKind())) {
      return;
    }
    cronJobLister
        .get(job.getMetadata().getNamespace(), ref.get().getName())
        .filter(cj -> Objects.equals(cj.getMetadata().getUid(), ref.get().getUid()))
        .ifPresent(this::enqueue);
  }

  @Override
  protected Result sync(String key) throws Exception {
    ObjectKey k = ObjectKey.parse(key);
    Optional<CronJob> cached = cronJobLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      return Result.done();
    }
    List<Job> children = jobsToBeReconciled(cached.get());
    CronJob cj = KubeObjects.deepCopy(cached.get());
    if (cj.getStatus() == null) {
      cj.setStatus(new CronJobStatus());
    }
    boolean updateAfterCleanup = cleanupFinishedJobs(cj, children);
    SyncOutcome outcome;
    try {
      outcome = syncCronJob(cj, children);
    } catch (SyncFailure e) {
      outcome = new SyncOutcome(null, e.updateStatus, e.getCause());
    }
    if (updateAfterCleanup || outcome.updateStatus()) {
      cronJobs.updateStatus(cj);
    }
    if (outcome.requeueAt() != null) {
      return Result.requeueAt(outcome.requeueAt());
    }
    if (outcome.error() instanceof Exception e) {
      throw e;
    }
    // Suspended, or a schedule that cannot run: wait for a change of the CronJob.
    return Result.done();
  }

  /** The Jobs of the namespace whose controller is a CronJob of this name. */
  private List<Job> jobsToBeReconciled(CronJob cj) {
    List<Job> out = new ArrayList<>();
    for (Job j : jobLister.list(cj.getMetadata().getNamespace(), LabelSelector.everything())) {
      Optional<OwnerReference> ref = ControllerRefs.controllerOf(j);
      if (ref.isPresent()
          && KIND.equals(ref.get().getKind())
          && cj.getMetadata().getName().equals(ref.get().getName())) {
        out.add(j);
      }
    }
    return out;
  }

  /**
   * The outcome of one pass.
   *
   * @param requeueAt when to look again (the next start time), or null to wait for a change
   */
  private record SyncOutcome(Instant requeueAt, boolean updateStatus, Throwable error) {}

  /** The pass failed after changing the status copy ({@link #updateStatus} says whether). */
  private static final class SyncFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean updateStatus;

    SyncFailure(boolean updateStatus, Exception cause) {
      super(cause);
      this.updateStatus = updateStatus;
    }
  }

  private SyncOutcome syncCronJob(CronJob cj, List<Job> children) throws SyncFailure {
    Instant now = clock().now();
    boolean updateStatus = false;
    Set<String> childUids = new HashSet<>();
    for (Job j : children) {
      childUids.add(j.getMetadata().getUid());
      boolean found = inActiveList(cj, j.getMetadata().getUid());
      boolean finished = JobUtil.isFinished(j);
      if (!found && !finished) {
        // Perhaps only the cache is behind this controller's own status write.
        Optional<CronJob> fresh =
            cronJobs.get(cj.getMetadata().getNamespace(), cj.getMetadata().getName());
        if (fresh.isPresent() && inActiveList(fresh.get(), j.getMetadata().getUid())) {
          cj.getStatus().setActive(new ArrayList<>(fresh.get().getStatus().getActive()));
          continue;
        }
        recorder.event(
            cj,
            "Warning",
            "UnexpectedJob",
            "Saw a job that the controller did not create or forgot: " + j.getMetadata().getName());
      } else if (found && finished) {
        deleteFromActiveList(cj, j.getMetadata().getUid());
        recorder.event(
            cj,
            "Normal",
            "SawCompletedJob",
            "Saw completed job: "
                + j.getMetadata().getName()
                + ", status: "
                + JobUtil.finishedType(j).orElseThrow());
        updateStatus = true;
      }
      if (JobUtil.finishedType(j).filter(JobUtil.COMPLETE::equals).isPresent()
          && j.getStatus().getCompletionTime() != null) {
        // Any successful Job counts, in the active list or not.
        Instant completed = Times.parse(j.getStatus().getCompletionTime());
        Instant last = Times.parse(cj.getStatus().getLastSuccessfulTime());
        if (last == null || completed.isAfter(last)) {
          cj.getStatus().setLastSuccessfulTime(j.getStatus().getCompletionTime());
          updateStatus = true;
        }
      }
    }

    // A Job deleted behind the controller's back must not keep the CronJob active for ever.
    for (ObjectReference ref : List.copyOf(activeList(cj))) {
      if (childUids.contains(ref.getUid())) {
        continue;
      }
      Optional<Job> live;
      try {
        live = jobs.get(ref.getNamespace(), ref.getName());
      } catch (RuntimeException e) {
        throw new SyncFailure(updateStatus, e);
      }
      if (live.isEmpty()) {
        recorder.event(cj, "Normal", "MissingJob", "Active job went missing: " + ref.getName());
        deleteFromActiveList(cj, ref.getUid());
        updateStatus = true;
      }
    }

    if (cj.getMetadata().getDeletionTimestamp() != null) {
      return new SyncOutcome(null, updateStatus, null);
    }
    String timeZone = cj.getSpec().getTimeZone();
    ZoneId zone = ZoneOffset.UTC;
    if (timeZone != null) {
      try {
        zone = ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        recorder.event(
            cj,
            "Warning",
            "UnknownTimeZone",
            "invalid timeZone: \"" + timeZone + "\": unknown time zone " + timeZone);
        return new SyncOutcome(null, updateStatus, null);
      }
    }
    if (Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
      return new SyncOutcome(null, updateStatus, null);
    }
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(formatSchedule(cj));
    } catch (IllegalArgumentException e) {
      recorder.event(
          cj,
          "Warning",
          "UnparseableSchedule",
          "unparseable schedule: \"" + cj.getSpec().getSchedule() + "\" : " + e.getMessage());
      return new SyncOutcome(null, updateStatus, null);
    }

    CronJobUtil.MostRecent recent = CronJobUtil.mostRecentScheduleTime(cj, now, schedule, true);
    if (recent.error() != null) {
      recorder.event(
          cj,
          "Warning",
          "InvalidSchedule",
          "invalid schedule: " + cj.getSpec().getSchedule() + " : " + recent.error());
      return new SyncOutcome(null, updateStatus, null);
    }
    Instant scheduledTime = recent.mostRecent();
    if (scheduledTime == null || scheduledTime.isAfter(now)) {
      return new SyncOutcome(CronJobUtil.nextSync(cj, now, schedule), updateStatus, null);
    }
    if (recent.missed() == CronJobUtil.Missed.MANY) {
      recorder.event(
          cj,
          "Warning",
          "TooManyMissedTimes",
          "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check"
              + " clock skew");
    }
    Instant next = CronJobUtil.nextSync(cj, now, schedule);

    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (deadline != null && scheduledTime.plusSeconds(deadline).isBefore(now)) {
      recorder.event(
          cj,
          "Warning",
          "MissSchedule",
          "Missed scheduled time to start a job: "
              + RFC1123Z.format(scheduledTime.atZone(ZoneOffset.UTC)));
      return new SyncOutcome(next, updateStatus, null);
    }
    String jobName = CronJobUtil.jobName(cj, scheduledTime);
    if (activeList(cj).stream().anyMatch(r -> jobName.equals(r.getName()))
        || scheduledTime.equals(Times.parse(cj.getStatus().getLastScheduleTime()))) {
      // This start time has its Job already.
      return new SyncOutcome(next, updateStatus, null);
    }
    String policy = cj.getSpec().getConcurrencyPolicy();
    if ("Forbid".equals(policy) && !activeList(cj).isEmpty()) {
      recorder.event(
          cj,
          "Normal",
          "JobAlreadyActive",
          "Not starting job because prior execution is running and concurrency policy is Forbid");
      return new SyncOutcome(next, updateStatus, null);
    }
    if ("Replace".equals(policy)) {
      for (ObjectReference ref : List.copyOf(activeList(cj))) {
        Job job;
        try {
          job =
              jobs.get(ref.getNamespace(), ref.getName())
                  .orElseThrow(() -> StatusError.notFound(jobs.type(), ref.getName()));
        } catch (RuntimeException e) {
          recorder.event(cj, "Warning", "FailedGet", "Get job: " + e.getMessage());
          throw new SyncFailure(updateStatus, e);
        }
        if (!deleteJob(cj, job)) {
          throw new SyncFailure(
              updateStatus,
              new IllegalStateException(
                  "could not replace job "
                      + job.getMetadata().getNamespace()
                      + "/"
                      + job.getMetadata().getName()));
        }
        updateStatus = true;
      }
    }

    Job request = jobFromTemplate(cj, scheduledTime, zone);
    Job created;
    try {
      created = jobs.create(request);
      recorder.event(
          cj, "Normal", "SuccessfulCreate", "Created job " + created.getMetadata().getName());
    } catch (StatusError e) {
      if (ClientPodControl.hasCause(e, ClientPodControl.NAMESPACE_TERMINATING_CAUSE)) {
        throw new SyncFailure(updateStatus, e);
      }
      if (e.code() != 409 || !"AlreadyExists".equals(e.status().getReason())) {
        recorder.event(cj, "Warning", "FailedCreate", "Error creating job: " + e.getMessage());
        throw new SyncFailure(updateStatus, e);
      }
      // Another actor (or an earlier pass of this one) created it.
      log.log(System.Logger.Level.INFO, "Job {0} already exists", jobName);
      Optional<Job> existing;
      try {
        existing = jobs.get(cj.getMetadata().getNamespace(), jobName);
      } catch (RuntimeException ex) {
        throw new SyncFailure(updateStatus, ex);
      }
      if (existing.isEmpty()
          || !ControllerRefs.isControlledBy(existing.get(), cj)
          || inActiveList(cj, existing.get().getMetadata().getUid())) {
        return new SyncOutcome(null, updateStatus, null);
      }
      created = existing.get();
    }
    List<ObjectReference> active = new ArrayList<>(activeList(cj));
    active.add(
        new ObjectReferenceBuilder()
            .withApiVersion(API_VERSION)
            .withKind("Job")
            .withNamespace(created.getMetadata().getNamespace())
            .withName(created.getMetadata().getName())
            .withUid(created.getMetadata().getUid())
            .withResourceVersion(created.getMetadata().getResourceVersion())
            .build());
    cj.getStatus().setActive(active);
    cj.getStatus().setLastScheduleTime(Times.format(scheduledTime));
    return new SyncOutcome(next, true, null);
  }

  /**
   * The schedule with the CronJob's time zone in front; a schedule naming its own zone is kept (and
   * warned about: upstream does not support it officially).
   */
  private String formatSchedule(CronJob cj) {
    String schedule = cj.getSpec().getSchedule();
    if (schedule.contains("TZ")) {
      recorder.event(
          cj,
          "Warning",
          "UnsupportedSchedule",
          "CRON_TZ or TZ used in schedule \""
              + schedule
              + "\" is not officially supported, see"
              + " https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more"
              + " details");
      return schedule;
    }
    if (cj.getSpec().getTimeZone() != null) {
      return "TZ=" + cj.getSpec().getTimeZone() + " " + schedule;
    }
    return schedule;
  }

  /** The Job for {@code scheduledTime}: the template's labels, annotations and spec, owned. */
  static Job jobFromTemplate(CronJob cj, Instant scheduledTime, ZoneId zone) {
    ObjectMeta tm = cj.getSpec().getJobTemplate().getMetadata();
    Map<String, String> labels =
        tm == null || tm.getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(tm.getLabels());
    Map<String, String> annotations =
        tm == null || tm.getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(tm.getAnnotations());
    annotations.put(
        CronJobUtil.SCHEDULED_TIMESTAMP_ANNOTATION,
        CronJobUtil.scheduledTimestamp(scheduledTime, zone));
    Job job = new Job();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(CronJobUtil.jobName(cj, scheduledTime));
    meta.setNamespace(cj.getMetadata().getNamespace());
    meta.setLabels(labels);
    meta.setAnnotations(annotations);
    meta.setOwnerReferences(
        new ArrayList<>(List.of(ControllerRefs.newControllerRef(cj, API_VERSION, KIND))));
    job.setMetadata(meta);
    job.setSpec(new JobSpecBuilder(cj.getSpec().getJobTemplate().getSpec()).build());
    return job;
  }

  /**
   * Deletes finished Jobs beyond {@code successfulJobsHistoryLimit} and {@code
   * failedJobsHistoryLimit}, the earliest started first.
   *
   * @return whether the status changed
   */
  private boolean cleanupFinishedJobs(CronJob cj, List<Job> children) {
    Integer successLimit = cj.getSpec().getSuccessfulJobsHistoryLimit();
    Integer failedLimit = cj.getSpec().getFailedJobsHistoryLimit();
    if (successLimit == null && failedLimit == null) {
      return false;
    }
    List<Job> successful = new ArrayList<>();
    List<Job> failed = new ArrayList<>();
    for (Job j : children) {
      Optional<String> type = JobUtil.finishedType(j);
      if (type.isPresent() && type.get().equals(JobUtil.COMPLETE)) {
        successful.add(j);
      } else if (type.isPresent()) {
        failed.add(j);
      }
    }
    boolean update = false;
    if (successLimit != null && removeOldestJobs(cj, successful, successLimit)) {
      update = true;
    }
    if (failedLimit != null && removeOldestJobs(cj, failed, failedLimit)) {
      update = true;
    }
    return update;
  }

  private boolean removeOldestJobs(CronJob cj, List<Job> finished, int maxJobs) {
    int toDelete = finished.size() - maxJobs;
    if (toDelete <= 0) {
      return false;
    }
    List<Job> sorted = new ArrayList<>(finished);
    sorted.sort(BY_START_TIME);
    boolean update = false;
    for (int i = 0; i < toDelete; i++) {
      if (deleteJob(cj, sorted.get(i))) {
        update = true;
      }
    }
    return update;
  }

  /** Started earlier first, never-started last, names breaking ties. */
  private static final Comparator<Job> BY_START_TIME =
      (a, b) -> {
        Instant sa = a.getStatus() == null ? null : Times.parse(a.getStatus().getStartTime());
        Instant sb = b.getStatus() == null ? null : Times.parse(b.getStatus().getStartTime());
        if (sa == null && sb != null) {
          return 1;
        }
        if (sa != null && sb == null) {
          return -1;
        }
        if (Objects.equals(sa, sb)) {
          return a.getMetadata().getName().compareTo(b.getMetadata().getName());
        }
        return sa.compareTo(sb);
      };

  /** Deletes the Job (its pods in the background) and drops it from the active list. */
  private boolean deleteJob(CronJob cj, Job job) {
    try {
      jobs.delete(
          job.getMetadata().getNamespace(),
          job.getMetadata().getName(),
          new DeleteOptionsBuilder().withPropagationPolicy("Background").build());
    } catch (RuntimeException e) {
      recorder.event(cj, "Warning", "FailedDelete", "Deleted job: " + e.getMessage());
      return false;
    }
    deleteFromActiveList(cj, job.getMetadata().getUid());
    recorder.event(cj, "Normal", "SuccessfulDelete", "Deleted job " + job.getMetadata().getName());
    return true;
  }

  private static List<ObjectReference> activeList(CronJob cj) {
    List<ObjectReference> a = cj.getStatus() == null ? null : cj.getStatus().getActive();
    return a == null ? List.of() : a;
  }

  private static boolean inActiveList(CronJob cj, String uid) {
    return activeList(cj).stream().anyMatch(r -> Objects.equals(r.getUid(), uid));
  }

  private static void deleteFromActiveList(CronJob cj, String uid) {
    List<ObjectReference> kept =
        activeList(cj).stream().filter(r -> !Objects.equals(r.getUid(), uid)).toList();
    cj.getStatus().setActive(new ArrayList<>(kept));
  }
}
