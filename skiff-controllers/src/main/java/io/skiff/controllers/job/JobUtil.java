package io.skiff.controllers.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.skiff.controllers.runtime.PodUtil;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Job and Job-pod helpers: upstream's {@code pkg/controller/job} utils. */
public final class JobUtil {

  /** Keeps a finished pod until the controller has counted it (1.26+). */
  public static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";

  /** The completion index of a pod of an Indexed Job (annotation, and label since 1.28). */
  public static final String COMPLETION_INDEX_KEY = "batch.kubernetes.io/job-completion-index";

  /** The environment variable an Indexed Job's containers read their index from. */
  public static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";

  public static final String REASON_BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String MESSAGE_BACKOFF_LIMIT_EXCEEDED =
      "Job has reached the specified backoff limit";
  public static final String REASON_DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String MESSAGE_DEADLINE_EXCEEDED =
      "Job was active longer than specified deadline";

  /** The first delay before a failed pod is replaced; it doubles with each failure in a row. */
  public static final Duration DEFAULT_POD_FAILURE_BACKOFF = Duration.ofSeconds(10);

  /** The longest delay before a failed pod is replaced. */
  public static final Duration MAX_POD_FAILURE_BACKOFF = Duration.ofMinutes(6);

  static final int UNKNOWN_INDEX = -1;

  /** Generated pod names leave room for the five random characters (63 - 5). */
  private static final int MAX_GENERATED_NAME_LENGTH = 58;

  private JobUtil() {}

  /** The Job's condition of {@code type}, if any. */
  public static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /** {@code Complete} or {@code Failed} with status True, and the type of the one found. */
  public static Optional<String> finishedType(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if ((COMPLETE.equals(c.getType()) || FAILED.equals(c.getType()))
          && "True".equals(c.getStatus())) {
        return Optional.of(c.getType());
      }
    }
    return Optional.empty();
  }

  public static boolean isFinished(Job job) {
    return finishedType(job).isPresent();
  }

  /** When the Job finished: the transition time of its Complete or Failed condition. */
  public static Optional<Instant> finishTime(Job job) {
    return finishedType(job)
        .flatMap(t -> condition(job, t))
        .map(c -> Times.parse(c.getLastTransitionTime()));
  }

  static boolean isIndexed(Job job) {
    return "Indexed".equals(job.getSpec().getCompletionMode());
  }

  static boolean isSuspended(Job job) {
    return Boolean.TRUE.equals(job.getSpec().getSuspend());
  }

  static boolean hasTrackingFinalizer(Pod pod) {
    List<String> f = pod.getMetadata().getFinalizers();
    return f != null && f.contains(TRACKING_FINALIZER);
  }

  /** The pod's completion index from its annotation, or {@link #UNKNOWN_INDEX}. */
  static int completionIndex(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(COMPLETION_INDEX_KEY);
    if (v == null) {
      return UNKNOWN_INDEX;
    }
    try {
      int i = Integer.parseInt(v);
      return i < 0 ? UNKNOWN_INDEX : i;
    } catch (NumberFormatException e) {
      return UNKNOWN_INDEX;
    }
  }

  /**
   * {@code <job>-<index>-}, cut so that the generated name stays a valid label value: upstream's
   * podGenerateNameWithIndex.
   */
  static String podGenerateNameWithIndex(String jobName, int index) {
    String appendix = "-" + index + "-";
    String prefix = jobName + appendix;
    if (prefix.length() > MAX_GENERATED_NAME_LENGTH) {
      prefix = prefix.substring(0, MAX_GENERATED_NAME_LENGTH - appendix.length()) + appendix;
    }
    return prefix;
  }

  /**
   * Whether the pod counts as failed: phase Failed or, unless only failed pods are replaced, being
   * deleted without having succeeded (an orphan that will never reach a terminal phase).
   */
  static boolean isPodFailed(Pod pod, Job job) {
    String phase = PodUtil.phase(pod);
    if (PodUtil.PHASE_FAILED.equals(phase)) {
      return true;
    }
    if (onlyReplaceFailedPods(job)) {
      return false;
    }
    return pod.getMetadata().getDeletionTimestamp() != null
        && !PodUtil.PHASE_SUCCEEDED.equals(phase);
  }

  /** podReplacementPolicy Failed, explicit or implied by a podFailurePolicy. */
  static boolean onlyReplaceFailedPods(Job job) {
    return "Failed".equals(job.getSpec().getPodReplacementPolicy())
        || job.getSpec().getPodFailurePolicy() != null;
  }

  /**
   * When the pod finished: the latest container termination when all containers terminated, else
   * the Ready=False transition, else the deletion time minus the grace period, else its creation.
   */
  static Instant finishedTime(Pod pod) {
    Instant latest = null;
    boolean allTerminated = true;
    List<ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses != null) {
      for (ContainerStatus cs : statuses) {
        Instant at =
            cs.getState() == null || cs.getState().getTerminated() == null
                ? null
                : Times.parse(cs.getState().getTerminated().getFinishedAt());
        if (at == null) {
          allTerminated = false;
          break;
        }
        if (latest == null || latest.isBefore(at)) {
          latest = at;
        }
      }
    }
    if (allTerminated && latest != null) {
      return latest;
    }
    Optional<Instant> notReady =
        PodUtil.condition(pod, "Ready")
            .filter(c -> "False".equals(c.getStatus()))
            .map(c -> Times.parse(c.getLastTransitionTime()));
    if (notReady.isPresent() && notReady.get() != null) {
      return notReady.get();
    }
    Instant deleted = Times.parse(pod.getMetadata().getDeletionTimestamp());
    if (deleted != null) {
      Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
      return deleted.minusSeconds(grace == null ? 0 : grace);
    }
    Instant created = Times.parse(pod.getMetadata().getCreationTimestamp());
    return created == null ? Instant.EPOCH : created;
  }

  /**
   * How long to wait before replacing a failed pod: 10 s after the first failure in a row, doubling
   * with each further one up to 6 min, counted from the last failure; zero when that has passed or
   * nothing failed.
   */
  static Duration remainingBackoff(int failuresInARow, Instant lastFailure, Instant now) {
    if (failuresInARow == 0 || lastFailure == null) {
      return Duration.ZERO;
    }
    Duration backoff = DEFAULT_POD_FAILURE_BACKOFF;
    for (int i = 1; i < failuresInARow; i++) {
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(MAX_POD_FAILURE_BACKOFF) >= 0) {
        backoff = MAX_POD_FAILURE_BACKOFF;
        break;
      }
    }
    Duration elapsed = Duration.between(lastFailure, now);
    if (backoff.compareTo(elapsed) < 0) {
      return Duration.ZERO;
    }
    return backoff.minus(elapsed);
  }

  static JobCondition newCondition(
      String type, String status, String reason, String message, Instant now) {
    JobCondition c = new JobCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason == null || reason.isEmpty() ? null : reason);
    c.setMessage(message == null || message.isEmpty() ? null : message);
    c.setLastProbeTime(Times.format(now));
    c.setLastTransitionTime(Times.format(now));
    return c;
  }

  /**
   * Sets the condition of {@code type} to {@code status}/{@code reason}/{@code message}; a missing
   * condition is only added when not False. Upstream's ensureJobConditionStatus.
   *
   * @return whether the list changed
   */
  static boolean ensureConditionStatus(
      List<JobCondition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    for (int i = 0; i < conditions.size(); i++) {
      JobCondition c = conditions.get(i);
      if (type.equals(c.getType())) {
        if (!status.equals(c.getStatus())
            || !nz(reason).equals(nz(c.getReason()))
            || !nz(message).equals(nz(c.getMessage()))) {
          conditions.set(i, newCondition(type, status, reason, message, now));
          return true;
        }
        return false;
      }
    }
    if (!"False".equals(status)) {
      conditions.add(newCondition(type, status, reason, message, now));
      return true;
    }
    return false;
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }

  static int value(Integer i) {
    return i == null ? 0 : i;
  }
}
