package io.skiff.controllers.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.client.events.EventRecorder;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.controllers.runtime.ActivePodsWithRanks;
import io.skiff.controllers.runtime.ClientPodControl;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.ControllerExpectations;
import io.skiff.controllers.runtime.ControllerRefManager;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.ObjectKey;
import io.skiff.controllers.runtime.PodControl;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.QueueController;
import io.skiff.controllers.runtime.SlowStart;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Runs a Job's pods to completion: upstream's Job controller ({@code pkg/controller/job}), with pod
 * tracking by finalizers (1.26+).
 *
 * <p>A sync of {@code namespace/name}:
 *
 * <ol>
 *   <li>skips a finished Job (a {@code Complete} or {@code Failed} condition);
 *   <li>claims the pods its selector matches and counts the newly finished ones: those still
 *       carrying the {@code batch.kubernetes.io/job-tracking} finalizer and not yet in {@code
 *       status.uncountedTerminatedPods};
 *   <li>decides whether the Job failed ({@code BackoffLimitExceeded}: more failures than {@code
 *       backoffLimit}; {@code DeadlineExceeded}: active longer than {@code activeDeadlineSeconds})
 *       and then deletes its active pods, or else creates and deletes pods towards {@code
 *       min(parallelism, completions - succeeded)} (none while suspended), replacing failed pods
 *       only after the pod-failure backoff (10 s, doubling per failure in a row, at most 6 min);
 *   <li>counts each finished pod exactly once: first its UID goes into {@code
 *       uncountedTerminatedPods} (a status write), then its finalizer is removed, then the UID
 *       moves into {@code succeeded}/{@code failed} (another write); only when nothing is left
 *       uncounted does the Job get its {@code Complete} or {@code Failed} condition.
 * </ol>
 *
 * <p>Indexed Jobs give each pod a completion index (annotation and label {@code
 * batch.kubernetes.io/job-completion-index}, the {@code JOB_COMPLETION_INDEX} variable, hostname
 * {@code <job>-<index>}), create the lowest pending indexes first and report {@code
 * completedIndexes}.
 *
 * <p>Not implemented: {@code podFailurePolicy} rules (a policy only switches to replacing failed
 * pods alone), {@code backoffLimitPerIndex}, {@code successPolicy}, {@code managedBy}, and the
 * 1.31+ interim {@code FailureTarget}/{@code SuccessCriteriaMet} conditions: a Job finishes with
 * the conditions of 1.27–1.30.
 */
public final class JobController extends QueueController {

  private static final System.Logger log = System.getLogger(JobController.class.getName());

  /** The controller's name (its {@code --controllers} and workers key). */
  public static final String NAME = "job";

  /** The component its events are reported by. */
  public static final String EVENT_SOURCE = "job-controller";

  /** At most this many pods are created or deleted in one sync. */
  static final int MAX_POD_CREATE_DELETE_PER_SYNC = 500;

  /** At most this many pods wait in {@code uncountedTerminatedPods}, bounding the status size. */
  static final int MAX_UNCOUNTED_PODS = 500;

  /**
   * Keys of pods whose tracking finalizer must go because their Job is gone or finished; a colon
   * cannot occur in a namespace, so these never clash with Job keys.
   */
  static final String ORPHAN_POD_PREFIX = "orphan-pod:";

  private static final String API_VERSION = "batch/v1";
  private static final String KIND = "Job";

  private final Resources<Job> jobs;
  private final Resources<Pod> pods;
  private final PodControl podControl;
  private final EventRecorder recorder;
  private final ControllerExpectations expectations;
  private final FinalizerExpectations finalizerExpectations = new FinalizerExpectations();
  private final PodBackoffStore backoffStore = new PodBackoffStore();
  private final Lister<Job> jobLister;
  private final Lister<Pod> podLister;

  public JobController(ControllerContext ctx) {
    super(NAME, ctx.clock());
    this.jobs = ctx.client().resources(Job.class);
    this.pods = ctx.client().resources(Pod.class);
    this.recorder = ctx.recorder(EVENT_SOURCE);
    this.podControl = new ClientPodControl(ctx.client(), recorder);
    this.expectations = new ControllerExpectations(ctx.clock());

    SharedInformer<Job> jobInformer = ctx.informers().informerFor(Job.class);
    this.jobLister = jobInformer.lister();
    jobInformer.addEventHandler(
        ResourceEventHandler.<Job>of(this::enqueue, this::updateJob, this::deleteJob));

    SharedInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    this.podLister = podInformer.lister();
    podInformer.addEventHandler(
        ResourceEventHandler.<Pod>of(this::addPod, this::updatePod, pod -> deletePod(pod, true)));
  }

  /** The pod expectations of this controller; tests look at them. */
  ControllerExpectations expectations() {
    return expectations;
  }

  // ---- handlers ----

  void updateJob(Job oldJob, Job newJob) {
    if (!Objects.equals(oldJob.getMetadata().getUid(), newJob.getMetadata().getUid())) {
      deleteJob(oldJob);
    }
    enqueue(newJob);
    if (JobUtil.isFinished(newJob)) {
      cleanupPodFinalizers(newJob);
    }
  }

  void deleteJob(Job job) {
    enqueue(job);
    cleanupPodFinalizers(job);
  }

  /** Queues the pods of a gone or finished Job that still carry the tracking finalizer. */
  private void cleanupPodFinalizers(Job job) {
    for (Pod pod : podLister.list(job.getMetadata().getNamespace(), LabelSelector.everything())) {
      if (ControllerRefs.isControlledBy(pod, job) && JobUtil.hasTrackingFinalizer(pod)) {
        enqueueOrphanPod(pod);
      }
    }
  }

  private void enqueueOrphanPod(Pod pod) {
    enqueue(ORPHAN_POD_PREFIX + KubeObjects.key(pod));
  }

  void addPod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deletePod(pod, false);
      return;
    }
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    if (ref.isPresent()) {
      Optional<Job> job = resolveControllerRef(pod.getMetadata().getNamespace(), ref.get());
      if (job.isEmpty() || JobUtil.isFinished(job.get())) {
        if (JobUtil.hasTrackingFinalizer(pod)) {
          enqueueOrphanPod(pod);
        }
        return;
      }
      String key = KubeObjects.key(job.get());
      expectations.creationObserved(key);
      enqueue(key);
      return;
    }
    if (JobUtil.hasTrackingFinalizer(pod)) {
      enqueueOrphanPod(pod);
    }
    getPodJobs(pod).forEach(this::enqueue);
  }

  void updatePod(Pod oldPod, Pod newPod) {
    if (Objects.equals(
        oldPod.getMetadata().getResourceVersion(), newPod.getMetadata().getResourceVersion())) {
      return;
    }
    if (newPod.getMetadata().getDeletionTimestamp() != null) {
      // Replace a pod being deleted now rather than when it is finally gone.
      deletePod(newPod, false);
      return;
    }
    // Whatever the old pod showed: during an ownership change the finalizer may come and go.
    boolean finalizerRemoved = !JobUtil.hasTrackingFinalizer(newPod);
    Optional<OwnerReference> curRef = ControllerRefs.controllerOf(newPod);
    Optional<OwnerReference> oldRef = ControllerRefs.controllerOf(oldPod);
    if (!Objects.equals(curRef, oldRef) && oldRef.isPresent()) {
      resolveControllerRef(oldPod.getMetadata().getNamespace(), oldRef.get())
          .ifPresent(
              job -> {
                if (finalizerRemoved) {
                  finalizerExpectations.observed(
                      KubeObjects.key(job), newPod.getMetadata().getUid());
                }
                enqueue(job);
              });
    }
    if (curRef.isPresent()) {
      Optional<Job> job = resolveControllerRef(newPod.getMetadata().getNamespace(), curRef.get());
      if (job.isEmpty() || JobUtil.isFinished(job.get())) {
        if (!finalizerRemoved) {
          enqueueOrphanPod(newPod);
        }
        return;
      }
      if (finalizerRemoved) {
        finalizerExpectations.observed(KubeObjects.key(job.get()), newPod.getMetadata().getUid());
      }
      enqueue(job.get());
      return;
    }
    if (!finalizerRemoved) {
      enqueueOrphanPod(newPod);
    }
    getPodJobs(newPod).forEach(this::enqueue);
  }

  /**
   * A pod is gone ({@code isFinal}) or being deleted: the Job's deletion expectations and, once the
   * finalizer is gone with it, its finalizer expectations observe it.
   */
  void deletePod(Pod pod, boolean isFinal) {
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    boolean hasFinalizer = JobUtil.hasTrackingFinalizer(pod);
    if (ref.isEmpty()) {
      if (hasFinalizer && !isFinal) {
        enqueueOrphanPod(pod);
      }
      return;
    }
    Optional<Job> job = resolveControllerRef(pod.getMetadata().getNamespace(), ref.get());
    if (job.isEmpty() || JobUtil.isFinished(job.get())) {
      if (hasFinalizer && !isFinal) {
        enqueueOrphanPod(pod);
      }
      return;
    }
    String key = KubeObjects.key(job.get());
    expectations.deletionObserved(key);
    if (isFinal || !hasFinalizer) {
      finalizerExpectations.observed(key, pod.getMetadata().getUid());
    }
    enqueue(key);
  }

  private Optional<Job> resolveControllerRef(String namespace, OwnerReference ref) {
    if (!KIND.equals(ref.getKind())) {
      return Optional.empty();
    }
    return jobLister
        .get(namespace, ref.getName())
        .filter(j -> Objects.equals(j.getMetadata().getUid(), ref.getUid()));
  }

  /** The Jobs of the pod's namespace whose selector matches the orphan pod. */
  private List<Job> getPodJobs(Pod pod) {
    if (pod.getMetadata().getLabels() == null || pod.getMetadata().getLabels().isEmpty()) {
      return List.of();
    }
    List<Job> out = new ArrayList<>();
    for (Job job : jobLister.list(pod.getMetadata().getNamespace(), LabelSelector.everything())) {
      LabelSelector s = selectorOf(job);
      if (s != null && !s.isEverything() && s.matches(pod.getMetadata().getLabels())) {
        out.add(job);
      }
    }
    return out;
  }

  private static LabelSelector selectorOf(Job job) {
    try {
      return LabelSelector.of(job.getSpec().getSelector());
    } catch (SelectorException e) {
      return null;
    }
  }

  // ---- sync ----

  /** What one sync of a Job knows and decides. */
  private static final class SyncContext {
    final String key;
    Job job;
    final List<Pod> pods;
    final List<Pod> activePods;
    final Set<String> uncountedSucceeded;
    final Set<String> uncountedFailed;
    final Set<String> expectedRmFinalizers;
    int succeeded;
    int failed;
    int ready;
    int terminating;
    TreeSet<Integer> prevSucceededIndexes = new TreeSet<>();
    TreeSet<Integer> succeededIndexes = new TreeSet<>();
    PodBackoffStore.Record backoff;
    JobCondition finishedCondition;
    Instant requeueAt;

    SyncContext(
        String key,
        Job job,
        List<Pod> pods,
        List<Pod> activePods,
        Set<String> uncountedSucceeded,
        Set<String> uncountedFailed,
        Set<String> expectedRmFinalizers) {
      this.key = key;
      this.job = job;
      this.pods = pods;
      this.activePods = activePods;
      this.uncountedSucceeded = uncountedSucceeded;
      this.uncountedFailed = uncountedFailed;
      this.expectedRmFinalizers = expectedRmFinalizers;
    }

    void requeueAt(Instant time) {
      if (requeueAt == null || time.isBefore(requeueAt)) {
        requeueAt = time;
      }
    }
  }

  @Override
  protected Result sync(String key) throws Exception {
    if (key.startsWith(ORPHAN_POD_PREFIX)) {
      syncOrphanPod(key.substring(ORPHAN_POD_PREFIX.length()));
      return Result.done();
    }
    ObjectKey k = ObjectKey.parse(key);
    Optional<Job> cached = jobLister.get(k.namespace(), k.name());
    if (cached.isEmpty()) {
      expectations.deleteExpectations(key);
      finalizerExpectations.delete(key);
      backoffStore.remove(key);
      return Result.done();
    }
    Job job = KubeObjects.deepCopy(cached.get());
    if (JobUtil.isFinished(job)) {
      backoffStore.remove(key);
      return Result.done();
    }
    String mode = job.getSpec().getCompletionMode();
    if (mode != null && !mode.equals("NonIndexed") && !mode.equals("Indexed")) {
      recorder.event(
          job,
          "Warning",
          "UnknownCompletionMode",
          "Skipped Job sync because completion mode is unknown");
      return Result.done();
    }
    JobStatus status = job.getStatus() == null ? new JobStatus() : job.getStatus();
    job.setStatus(status);
    if (status.getUncountedTerminatedPods() == null) {
      status.setUncountedTerminatedPods(new UncountedTerminatedPods());
    }
    UncountedTerminatedPods uncounted = status.getUncountedTerminatedPods();
    Set<String> uncountedSucceeded = new LinkedHashSet<>(nonNull(uncounted.getSucceeded()));
    Set<String> uncountedFailed = new LinkedHashSet<>(nonNull(uncounted.getFailed()));
    Set<String> expectedRm = finalizerExpectations.expected(key);

    // Expectations first: a pod created after this check is seen by the next sync.
    boolean satisfied = expectations.satisfiedExpectations(key);
    List<Pod> jobPods = getPodsForJob(job);
    List<Pod> activePods = PodUtil.filterActivePods(jobPods);
    SyncContext c =
        new SyncContext(
            key, job, jobPods, activePods, uncountedSucceeded, uncountedFailed, expectedRm);
    int active = activePods.size();
    List<Pod> newSucceeded =
        validPods(c, uncountedSucceeded, p -> PodUtil.PHASE_SUCCEEDED.equals(PodUtil.phase(p)));
    List<Pod> newFailed = validPods(c, uncountedFailed, p -> JobUtil.isPodFailed(p, job));
    c.succeeded =
        JobUtil.value(status.getSucceeded()) + newSucceeded.size() + uncountedSucceeded.size();
    c.failed = JobUtil.value(status.getFailed()) + newFailed.size() + uncountedFailed.size();
    c.ready = (int) activePods.stream().filter(PodUtil::isPodReady).count();
    c.terminating = (int) jobPods.stream().filter(PodUtil::isPodTerminating).count();

    Instant now = clock().now();
    if (status.getStartTime() == null && !JobUtil.isSuspended(job)) {
      status.setStartTime(Times.format(now));
    }
    c.backoff = backoffStore.next(key, newSucceeded, newFailed);

    int backoffLimit =
        job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    if (c.failed > backoffLimit || pastBackoffLimitOnFailure(job, jobPods)) {
      c.finishedCondition =
          JobUtil.newCondition(
              JobUtil.FAILED,
              "True",
              JobUtil.REASON_BACKOFF_LIMIT_EXCEEDED,
              JobUtil.MESSAGE_BACKOFF_LIMIT_EXCEEDED,
              now);
    } else if (pastActiveDeadline(job, now)) {
      c.finishedCondition =
          JobUtil.newCondition(
              JobUtil.FAILED,
              "True",
              JobUtil.REASON_DEADLINE_EXCEEDED,
              JobUtil.MESSAGE_DEADLINE_EXCEEDED,
              now);
    } else if (job.getSpec().getActiveDeadlineSeconds() != null && !JobUtil.isSuspended(job)) {
      Instant deadline =
          Times.parse(status.getStartTime()).plusSeconds(job.getSpec().getActiveDeadlineSeconds());
      c.requeueAt(deadline);
    }

    if (JobUtil.isIndexed(job)) {
      int completions = JobUtil.value(job.getSpec().getCompletions());
      c.prevSucceededIndexes = CompletedIndexes.parse(status.getCompletedIndexes(), completions);
      c.succeededIndexes = new TreeSet<>(c.prevSucceededIndexes);
      for (Pod p : jobPods) {
        int ix = JobUtil.completionIndex(p);
        if (PodUtil.PHASE_SUCCEEDED.equals(PodUtil.phase(p))
            && ix != JobUtil.UNKNOWN_INDEX
            && ix < completions
            && JobUtil.hasTrackingFinalizer(p)) {
          c.succeededIndexes.add(ix);
        }
      }
      c.succeeded = c.succeededIndexes.size();
    }

    boolean suspendCondChanged = false;
    Exception manageError = null;
    if (c.finishedCondition != null) {
      Deleted deleted;
      try {
        deleted = deleteJobPods(job, key, activePods);
      } catch (PartialDeletion e) {
        deleted = e.deleted;
        manageError = e.cause;
      }
      if (deleted.count != active || !satisfied) {
        // Pods or finalizers may remain that the cache does not show yet: finish later.
        c.finishedCondition = null;
      }
      active -= deleted.count;
      c.terminating += deleted.count;
      c.ready -= deleted.ready;
    } else {
      boolean manageCalled = false;
      if (satisfied && job.getMetadata().getDeletionTimestamp() == null) {
        try {
          active = manageJob(c, active);
        } catch (PartialManage e) {
          active = e.active;
          manageError = e.cause;
        }
        manageCalled = true;
      }
      Integer completions = job.getSpec().getCompletions();
      boolean complete =
          completions == null
              ? c.succeeded > 0 && active == 0
              : c.succeeded >= completions && active == 0;
      if (complete) {
        c.finishedCondition = JobUtil.newCondition(JobUtil.COMPLETE, "True", null, null, now);
      } else if (manageCalled) {
        List<JobCondition> conditions = new ArrayList<>(nonNull(status.getConditions()));
        if (JobUtil.isSuspended(job)) {
          if (JobUtil.ensureConditionStatus(
              conditions, JobUtil.SUSPENDED, "True", "JobSuspended", "Job suspended", now)) {
            suspendCondChanged = true;
            recorder.event(job, "Normal", "Suspended", "Job suspended");
          }
        } else if (JobUtil.ensureConditionStatus(
            conditions, JobUtil.SUSPENDED, "False", "JobResumed", "Job resumed", now)) {
          suspendCondChanged = true;
          recorder.event(job, "Normal", "Resumed", "Job resumed");
          // activeDeadlineSeconds counts the time the Job is continuously active.
          status.setStartTime(Times.format(now));
        }
        status.setConditions(conditions);
      }
    }

    boolean needsStatusUpdate =
        suspendCondChanged
            || active != JobUtil.value(status.getActive())
            || !Objects.equals(c.ready, status.getReady())
            || !Objects.equals(c.terminating, status.getTerminating());
    status.setActive(active);
    status.setReady(c.ready);
    status.setTerminating(c.terminating);
    trackJobStatusAndRemoveFinalizers(c, needsStatusUpdate);
    if (manageError != null) {
      throw manageError;
    }
    return c.requeueAt == null ? Result.done() : Result.requeueAt(c.requeueAt);
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  /**
   * The pods with the tracking finalizer that pass {@code filter} and are not counted yet (not in
   * {@code uncounted}, finalizer removal not pending); for Indexed Jobs only valid indexes.
   */
  private static List<Pod> validPods(SyncContext c, Set<String> uncounted, Predicate<Pod> filter) {
    List<Pod> out = new ArrayList<>();
    boolean indexed = JobUtil.isIndexed(c.job);
    int completions = JobUtil.value(c.job.getSpec().getCompletions());
    for (Pod p : c.pods) {
      String uid = p.getMetadata().getUid();
      if (!JobUtil.hasTrackingFinalizer(p)
          || uncounted.contains(uid)
          || c.expectedRmFinalizers.contains(uid)) {
        continue;
      }
      if (indexed) {
        int ix = JobUtil.completionIndex(p);
        if (ix == JobUtil.UNKNOWN_INDEX || ix >= completions) {
          continue;
        }
      }
      if (filter.test(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** The pods of the namespace the Job claims (adopting matching orphans, releasing others). */
  private List<Pod> getPodsForJob(Job job) {
    LabelSelector selector;
    try {
      selector = LabelSelector.of(job.getSpec().getSelector());
    } catch (SelectorException e) {
      log.log(
          System.Logger.Level.WARNING,
          "Job {0} has an invalid selector: {1}",
          KubeObjects.key(job),
          e.getMessage());
      return List.of();
    }
    List<Pod> candidates =
        podLister.list(job.getMetadata().getNamespace(), LabelSelector.everything());
    ControllerRefManager<Pod> refs =
        new ControllerRefManager<>(
            pods,
            job,
            selector,
            API_VERSION,
            KIND,
            ControllerRefManager.recheckDeletionTimestamp(jobs, job));
    return refs.claim(candidates);
  }

  /** With restartPolicy OnFailure: whether the running pods' restarts reach the backoff limit. */
  private static boolean pastBackoffLimitOnFailure(Job job, List<Pod> jobPods) {
    if (!"OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy())) {
      return false;
    }
    int restarts = 0;
    for (Pod p : jobPods) {
      String phase = PodUtil.phase(p);
      if (PodUtil.PHASE_RUNNING.equals(phase) || PodUtil.PHASE_PENDING.equals(phase)) {
        if (p.getStatus() != null) {
          for (ContainerStatus s : nonNull(p.getStatus().getInitContainerStatuses())) {
            restarts += JobUtil.value(s.getRestartCount());
          }
          for (ContainerStatus s : nonNull(p.getStatus().getContainerStatuses())) {
            restarts += JobUtil.value(s.getRestartCount());
          }
        }
      }
    }
    int limit = JobUtil.value(job.getSpec().getBackoffLimit());
    return limit == 0 ? restarts > 0 : restarts >= limit;
  }

  private static boolean pastActiveDeadline(Job job, Instant now) {
    Long seconds = job.getSpec().getActiveDeadlineSeconds();
    if (seconds == null || job.getStatus().getStartTime() == null || JobUtil.isSuspended(job)) {
      return false;
    }
    Instant start = Times.parse(job.getStatus().getStartTime());
    return Duration.between(start, now).compareTo(Duration.ofSeconds(seconds)) >= 0;
  }

  // ---- creating and deleting pods ----

  /** Deleted pods: how many, and how many of them were ready. */
  private record Deleted(int count, int ready) {}

  /** Some deletions failed; {@link #deleted} still happened. */
  private static final class PartialDeletion extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Deleted deleted;
    final Exception cause;

    PartialDeletion(Deleted deleted, Exception cause) {
      super(cause);
      this.deleted = deleted;
      this.cause = cause;
    }
  }

  /** manageJob failed part way; {@link #active} is what is active after what did succeed. */
  private static final class PartialManage extends Exception {
    private static final long serialVersionUID = 1L;
    final int active;
    final Exception cause;

    PartialManage(int active, Exception cause) {
      super(cause);
      this.active = active;
      this.cause = cause;
    }
  }

  /**
   * Creates or deletes pods towards the wanted number of active pods; deletes all of a suspended
   * Job's. Returns the number of active pods afterwards.
   */
  private int manageJob(SyncContext c, int active) throws Exception {
    Job job = c.job;
    String key = c.key;
    if (JobUtil.isSuspended(job)) {
      List<Pod> toDelete = activePodsForRemoval(job, c.activePods, active);
      expectations.expectDeletions(key, toDelete.size());
      return afterDeletions(c, active, job, key, toDelete);
    }
    int parallelism = JobUtil.value(job.getSpec().getParallelism());
    Integer completions = job.getSpec().getCompletions();
    int wantActive;
    if (completions == null) {
      // Once one pod succeeded the Job only waits for the running ones.
      wantActive = c.succeeded > 0 ? active : parallelism;
    } else {
      wantActive = Math.max(0, Math.min(completions - c.succeeded, parallelism));
    }
    int rmAtLeast = Math.max(0, active - wantActive);
    List<Pod> toDelete = activePodsForRemoval(job, c.activePods, rmAtLeast);
    if (toDelete.size() > MAX_POD_CREATE_DELETE_PER_SYNC) {
      toDelete = toDelete.subList(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    }
    if (!toDelete.isEmpty()) {
      expectations.expectDeletions(key, toDelete.size());
      // Deleting takes precedence over creating in one sync.
      return afterDeletions(c, active, job, key, toDelete);
    }
    int terminating = JobUtil.onlyReplaceFailedPods(job) ? c.terminating : 0;
    int diff = wantActive - terminating - active;
    if (diff <= 0) {
      return active;
    }
    Instant now = clock().now();
    Duration remaining =
        JobUtil.remainingBackoff(
            c.backoff.failuresAfterLastSuccess(), c.backoff.lastFailureTime(), now);
    if (remaining.compareTo(Duration.ZERO) > 0) {
      c.requeueAt(now.plus(remaining));
      return 0;
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    ConcurrentLinkedQueue<Integer> indexes = new ConcurrentLinkedQueue<>();
    if (JobUtil.isIndexed(job)) {
      indexes.addAll(firstPendingIndexes(c, diff, JobUtil.value(completions)));
      diff = indexes.size();
    }
    if (diff == 0) {
      return active;
    }
    expectations.expectCreations(key, diff);
    PodTemplateSpec template = new PodTemplateSpecBuilder(job.getSpec().getTemplate()).build();
    if (JobUtil.isIndexed(job)) {
      addCompletionIndexEnvVariables(template);
    }
    List<String> finalizers =
        template.getMetadata().getFinalizers() == null
            ? new ArrayList<>()
            : new ArrayList<>(template.getMetadata().getFinalizers());
    if (!finalizers.contains(JobUtil.TRACKING_FINALIZER)) {
      finalizers.add(JobUtil.TRACKING_FINALIZER);
    }
    template.getMetadata().setFinalizers(finalizers);
    OwnerReference ref = ControllerRefs.newControllerRef(job, API_VERSION, KIND);
    String namespace = job.getMetadata().getNamespace();
    SlowStart.Outcome outcome =
        SlowStart.batch(
            diff,
            SlowStart.INITIAL_BATCH_SIZE,
            () -> {
              Integer index = indexes.poll();
              PodTemplateSpec t = template;
              String generateName = "";
              if (index != null) {
                t = new PodTemplateSpecBuilder(template).build();
                addCompletionIndex(t, job.getMetadata().getName(), index);
                generateName = JobUtil.podGenerateNameWithIndex(job.getMetadata().getName(), index);
              }
              try {
                podControl.createPodsWithGenerateName(namespace, t, job, ref, generateName);
              } catch (StatusError e) {
                // Every create fails while the namespace is deleted; nothing to retry.
                if (!ClientPodControl.hasCause(e, ClientPodControl.NAMESPACE_TERMINATING_CAUSE)) {
                  throw e;
                }
              }
            });
    for (int i = outcome.successes(); i < diff; i++) {
      expectations.creationObserved(key);
    }
    active += outcome.successes();
    if (outcome.error() != null) {
      throw new PartialManage(active, outcome.error());
    }
    return active;
  }

  private int afterDeletions(SyncContext c, int active, Job job, String key, List<Pod> toDelete)
      throws Exception {
    try {
      Deleted d = deleteJobPods(job, key, toDelete);
      c.terminating += d.count;
      c.ready -= d.ready;
      return active - d.count;
    } catch (PartialDeletion e) {
      c.terminating += e.deleted.count;
      c.ready -= e.deleted.ready;
      throw new PartialManage(active - e.deleted.count, e.cause);
    }
  }

  private static void addCompletionIndexEnvVariables(PodTemplateSpec template) {
    EnvVar env =
        new EnvVarBuilder()
            .withName(JobUtil.COMPLETION_INDEX_ENV)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['" + JobUtil.COMPLETION_INDEX_KEY + "']")
            .endFieldRef()
            .endValueFrom()
            .build();
    List<Container> all = new ArrayList<>(nonNull(template.getSpec().getInitContainers()));
    all.addAll(nonNull(template.getSpec().getContainers()));
    for (Container ctr : all) {
      List<EnvVar> vars = ctr.getEnv() == null ? new ArrayList<>() : new ArrayList<>(ctr.getEnv());
      if (vars.stream().noneMatch(v -> JobUtil.COMPLETION_INDEX_ENV.equals(v.getName()))) {
        vars.add(env);
      }
      ctr.setEnv(vars);
    }
  }

  private static void addCompletionIndex(PodTemplateSpec t, String jobName, int index) {
    Map<String, String> annotations =
        t.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(t.getMetadata().getAnnotations());
    annotations.put(JobUtil.COMPLETION_INDEX_KEY, String.valueOf(index));
    t.getMetadata().setAnnotations(annotations);
    Map<String, String> labels =
        t.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(t.getMetadata().getLabels());
    labels.put(JobUtil.COMPLETION_INDEX_KEY, String.valueOf(index));
    t.getMetadata().setLabels(labels);
    t.getSpec().setHostname(jobName + "-" + index);
  }

  /** The lowest {@code count} indexes below {@code completions} neither succeeded nor active. */
  private static List<Integer> firstPendingIndexes(SyncContext c, int count, int completions) {
    Set<Integer> nonPending = new HashSet<>(c.succeededIndexes);
    for (Pod p : c.activePods) {
      int ix = JobUtil.completionIndex(p);
      if (ix != JobUtil.UNKNOWN_INDEX) {
        nonPending.add(ix);
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < completions && out.size() < count; i++) {
      if (!nonPending.contains(i)) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * The active pods to delete: for Indexed Jobs first those with an invalid or repeated index,
   * then, up to {@code rmAtLeast}, the rest in upstream's deletion order (unscheduled, pending, not
   * ready first).
   */
  private List<Pod> activePodsForRemoval(Job job, List<Pod> activePods, int rmAtLeast) {
    List<Pod> rm = new ArrayList<>();
    List<Pod> left = new ArrayList<>();
    if (JobUtil.isIndexed(job)) {
      int completions = JobUtil.value(job.getSpec().getCompletions());
      TreeMap<Integer, List<Pod>> byIndex = new TreeMap<>();
      for (Pod p : activePods) {
        int ix = JobUtil.completionIndex(p);
        if (ix == JobUtil.UNKNOWN_INDEX || ix >= completions) {
          rm.add(p);
        } else {
          byIndex.computeIfAbsent(ix, i -> new ArrayList<>()).add(p);
        }
      }
      for (List<Pod> same : byIndex.values()) {
        List<Pod> ordered = deletionOrder(same);
        rm.addAll(ordered.subList(0, ordered.size() - 1));
        left.add(ordered.getLast());
      }
    } else {
      left.addAll(activePods);
    }
    if (rm.size() < rmAtLeast) {
      List<Pod> ordered = deletionOrder(left);
      rm.addAll(ordered.subList(0, Math.min(ordered.size(), rmAtLeast - rm.size())));
    }
    return rm;
  }

  private static List<Pod> deletionOrder(List<Pod> candidates) {
    return ActivePodsWithRanks.sort(candidates, Collections.nCopies(candidates.size(), 0), null);
  }

  /**
   * Removes the tracking finalizer from each pod and deletes it, in parallel.
   *
   * @throws PartialDeletion when some failed (other than already gone)
   */
  private Deleted deleteJobPods(Job job, String key, List<Pod> victims) throws Exception {
    if (victims.isEmpty()) {
      return new Deleted(0, 0);
    }
    String namespace = job.getMetadata().getNamespace();
    List<Exception> errors = Collections.synchronizedList(new ArrayList<>());
    int deleted = 0;
    int deletedReady = 0;
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (Pod pod : victims) {
        results.add(
            parallel.submit(
                () -> {
                  try {
                    if (JobUtil.hasTrackingFinalizer(pod)) {
                      podControl.patchPod(
                          namespace, pod.getMetadata().getName(), removeFinalizerPatch());
                    }
                    podControl.deletePod(namespace, pod.getMetadata().getName(), job);
                    return true;
                  } catch (RuntimeException e) {
                    // The informer will not see this deletion.
                    expectations.deletionObserved(key);
                    if (e instanceof StatusError se && se.code() == 404) {
                      return true;
                    }
                    errors.add(e);
                    return false;
                  }
                }));
      }
      for (int i = 0; i < victims.size(); i++) {
        if (results.get(i).get()) {
          deleted++;
          if (PodUtil.isPodReady(victims.get(i))) {
            deletedReady++;
          }
        }
      }
    }
    Deleted d = new Deleted(deleted, deletedReady);
    if (!errors.isEmpty()) {
      throw new PartialDeletion(d, errors.getFirst());
    }
    return d;
  }

  /** A strategic-merge patch that removes only the tracking finalizer. */
  static String removeFinalizerPatch() {
    return "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\""
        + JobUtil.TRACKING_FINALIZER
        + "\"]}}";
  }

  // ---- counting finished pods exactly once ----

  /**
   * Moves finished pods into {@code uncountedTerminatedPods}, removes their finalizers, moves them
   * on into the counters, and finishes the Job once nothing is left uncounted; writes the status
   * when anything changed. Upstream's trackJobStatusAndRemoveFinalizers.
   */
  private void trackJobStatusAndRemoveFinalizers(SyncContext c, boolean needsFlush)
      throws Exception {
    Job job = c.job;
    boolean indexed = JobUtil.isIndexed(job);
    int completions = JobUtil.value(job.getSpec().getCompletions());
    List<Pod> candidates = new ArrayList<>(c.pods);
    if (indexed) {
      candidates.sort(Comparator.comparingInt(JobUtil::completionIndex));
    }
    Set<String> uidsWithFinalizer = new HashSet<>();
    for (Pod p : candidates) {
      if (JobUtil.hasTrackingFinalizer(p)
          && !c.expectedRmFinalizers.contains(p.getMetadata().getUid())) {
        uidsWithFinalizer.add(p.getMetadata().getUid());
      }
    }
    if (cleanUncountedPodsWithoutFinalizers(job.getStatus(), uidsWithFinalizer)) {
      needsFlush = true;
    }
    UncountedTerminatedPods uncounted = job.getStatus().getUncountedTerminatedPods();
    List<String> uncSucceeded = new ArrayList<>(nonNull(uncounted.getSucceeded()));
    List<String> uncFailed = new ArrayList<>(nonNull(uncounted.getFailed()));
    List<Pod> toRemoveFinalizer = new ArrayList<>();
    TreeSet<Integer> newSucceededIndexes = new TreeSet<>();
    boolean reachedMaxUncounted = false;
    for (Pod pod : candidates) {
      String uid = pod.getMetadata().getUid();
      if (!JobUtil.hasTrackingFinalizer(pod) || c.expectedRmFinalizers.contains(uid)) {
        continue;
      }
      boolean considerFailed = JobUtil.isPodFailed(pod, job);
      boolean succeeded = PodUtil.PHASE_SUCCEEDED.equals(PodUtil.phase(pod));
      boolean canRemove =
          job.getMetadata().getDeletionTimestamp() != null
              || c.finishedCondition != null
              || succeeded
              || considerFailed;
      if (!canRemove) {
        continue;
      }
      toRemoveFinalizer.add(pod);
      int ix = JobUtil.completionIndex(pod);
      if (succeeded && !c.uncountedFailed.contains(uid)) {
        if (indexed) {
          if (ix != JobUtil.UNKNOWN_INDEX
              && ix < completions
              && !c.prevSucceededIndexes.contains(ix)) {
            newSucceededIndexes.add(ix);
            needsFlush = true;
          }
        } else if (!c.uncountedSucceeded.contains(uid)) {
          needsFlush = true;
          uncSucceeded.add(uid);
        }
      } else if (considerFailed || c.finishedCondition != null) {
        // A Job that finished counts every pod it stops as failed.
        if (!c.uncountedFailed.contains(uid)
            && (!indexed || (ix != JobUtil.UNKNOWN_INDEX && ix < completions))) {
          needsFlush = true;
          uncFailed.add(uid);
        }
      }
      if (newSucceededIndexes.size() + uncSucceeded.size() + uncFailed.size()
          >= MAX_UNCOUNTED_PODS) {
        // Bounded status and finalizer removals per sync; the pod updates bring the Job back.
        reachedMaxUncounted = true;
        break;
      }
    }
    uncounted.setSucceeded(uncSucceeded);
    uncounted.setFailed(uncFailed);
    if (indexed) {
      c.succeededIndexes.addAll(newSucceededIndexes);
      String text = CompletedIndexes.format(c.succeededIndexes);
      if (!text.equals(JobUtil.nz(job.getStatus().getCompletedIndexes()))) {
        needsFlush = true;
      }
      job.getStatus().setSucceeded(c.succeededIndexes.size());
      job.getStatus().setCompletedIndexes(text);
    }
    needsFlush =
        flushUncountedAndRemoveFinalizers(c, toRemoveFinalizer, uidsWithFinalizer, needsFlush);
    boolean finished = !reachedMaxUncounted && enactJobFinished(c);
    if (finished) {
      needsFlush = true;
    }
    if (needsFlush) {
      c.job = updateStatus(c.job);
      if (finished) {
        recordJobFinished(c.job, c.finishedCondition);
      }
    }
  }

  /**
   * Writes the status with the new uncounted UIDs, removes the finalizers, then moves the pods
   * whose finalizer is gone into the counters.
   *
   * @return whether the status has changes not yet written
   */
  private boolean flushUncountedAndRemoveFinalizers(
      SyncContext c, List<Pod> toRemove, Set<String> uidsWithFinalizer, boolean needsFlush)
      throws Exception {
    if (needsFlush) {
      c.job = updateStatus(c.job);
      backoffStore.update(c.backoff);
      needsFlush = false;
    }
    Exception rmError = null;
    if (!toRemove.isEmpty()) {
      List<String> uids = toRemove.stream().map(p -> p.getMetadata().getUid()).toList();
      finalizerExpectations.expectRemoved(c.key, uids);
      List<Exception> errors = Collections.synchronizedList(new ArrayList<>());
      try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Boolean>> results = new ArrayList<>();
        for (Pod pod : toRemove) {
          results.add(
              parallel.submit(
                  () -> {
                    try {
                      podControl.patchPod(
                          pod.getMetadata().getNamespace(),
                          pod.getMetadata().getName(),
                          removeFinalizerPatch());
                      return true;
                    } catch (RuntimeException e) {
                      // No pod update will show this removal.
                      finalizerExpectations.observed(c.key, pod.getMetadata().getUid());
                      if (e instanceof StatusError se && se.code() == 404) {
                        return true;
                      }
                      errors.add(e);
                      return false;
                    }
                  }));
        }
        for (int i = 0; i < toRemove.size(); i++) {
          if (results.get(i).get()) {
            uidsWithFinalizer.remove(toRemove.get(i).getMetadata().getUid());
          }
        }
      }
      if (!errors.isEmpty()) {
        rmError = errors.getFirst();
      }
    }
    if (cleanUncountedPodsWithoutFinalizers(c.job.getStatus(), uidsWithFinalizer)) {
      needsFlush = true;
    }
    if (rmError != null) {
      if (needsFlush) {
        c.job = updateStatus(c.job);
      }
      throw rmError;
    }
    return needsFlush;
  }

  /**
   * Removes from {@code uncountedTerminatedPods} the UIDs of pods without a finalizer any more and
   * adds them to the counters.
   *
   * @return whether anything changed
   */
  private static boolean cleanUncountedPodsWithoutFinalizers(
      JobStatus status, Set<String> uidsWithFinalizer) {
    boolean updated = false;
    UncountedTerminatedPods uncounted = status.getUncountedTerminatedPods();
    List<String> succeeded = nonNull(uncounted.getSucceeded());
    List<String> keep = succeeded.stream().filter(uidsWithFinalizer::contains).toList();
    if (keep.size() != succeeded.size()) {
      updated = true;
      status.setSucceeded(JobUtil.value(status.getSucceeded()) + succeeded.size() - keep.size());
      uncounted.setSucceeded(new ArrayList<>(keep));
    }
    List<String> failed = nonNull(uncounted.getFailed());
    keep = failed.stream().filter(uidsWithFinalizer::contains).toList();
    if (keep.size() != failed.size()) {
      updated = true;
      status.setFailed(JobUtil.value(status.getFailed()) + failed.size() - keep.size());
      uncounted.setFailed(new ArrayList<>(keep));
    }
    return updated;
  }

  /** Adds the finished condition once no pod is left uncounted. */
  private boolean enactJobFinished(SyncContext c) {
    if (c.finishedCondition == null) {
      return false;
    }
    UncountedTerminatedPods uncounted = c.job.getStatus().getUncountedTerminatedPods();
    if (!nonNull(uncounted.getSucceeded()).isEmpty() || !nonNull(uncounted.getFailed()).isEmpty()) {
      return false;
    }
    JobCondition fc = c.finishedCondition;
    List<JobCondition> conditions = new ArrayList<>(nonNull(c.job.getStatus().getConditions()));
    JobUtil.ensureConditionStatus(
        conditions, fc.getType(), fc.getStatus(), fc.getReason(), fc.getMessage(), clock().now());
    c.job.getStatus().setConditions(conditions);
    if (JobUtil.COMPLETE.equals(fc.getType())) {
      c.job.getStatus().setCompletionTime(fc.getLastTransitionTime());
    }
    return true;
  }

  private void recordJobFinished(Job job, JobCondition fc) {
    if (JobUtil.COMPLETE.equals(fc.getType())) {
      Integer completions = job.getSpec().getCompletions();
      if (completions != null && JobUtil.value(job.getStatus().getSucceeded()) > completions) {
        recorder.event(
            job,
            "Warning",
            "TooManySucceededPods",
            "Too many succeeded pods running after completion count reached");
      }
      recorder.event(job, "Normal", "Completed", "Job completed");
    } else {
      recorder.event(job, "Warning", fc.getReason(), fc.getMessage());
    }
  }

  /**
   * Writes the Job's status (compare-and-swap on its resourceVersion); zero counters are left out,
   * as upstream's {@code omitempty} does.
   */
  private Job updateStatus(Job job) {
    JobStatus s = job.getStatus();
    if (JobUtil.value(s.getActive()) == 0) {
      s.setActive(null);
    }
    if (JobUtil.value(s.getSucceeded()) == 0) {
      s.setSucceeded(null);
    }
    if (JobUtil.value(s.getFailed()) == 0) {
      s.setFailed(null);
    }
    if (s.getCompletedIndexes() != null && s.getCompletedIndexes().isEmpty()) {
      s.setCompletedIndexes(null);
    }
    Job written = jobs.updateStatus(job);
    if (written.getStatus().getUncountedTerminatedPods() == null) {
      written.getStatus().setUncountedTerminatedPods(new UncountedTerminatedPods());
    }
    return written;
  }

  // ---- orphan pods ----

  /**
   * Removes the tracking finalizer from a pod whose Job is gone or finished (or that has no Job any
   * more), so that it can be deleted.
   */
  private void syncOrphanPod(String podKey) {
    ObjectKey k = ObjectKey.parse(podKey);
    Optional<Pod> cached = podLister.get(k.namespace(), k.name());
    if (cached.isEmpty() || !JobUtil.hasTrackingFinalizer(cached.get())) {
      return;
    }
    Pod pod = cached.get();
    Optional<OwnerReference> ref = ControllerRefs.controllerOf(pod);
    if (ref.isPresent()) {
      if (!KIND.equals(ref.get().getKind()) || !API_VERSION.equals(ref.get().getApiVersion())) {
        return;
      }
      Optional<Job> job = resolveControllerRef(k.namespace(), ref.get());
      if (job.isPresent() && !JobUtil.isFinished(job.get())) {
        // Its Job counts it.
        return;
      }
    }
    try {
      podControl.patchPod(k.namespace(), k.name(), removeFinalizerPatch());
    } catch (StatusError e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }
}
