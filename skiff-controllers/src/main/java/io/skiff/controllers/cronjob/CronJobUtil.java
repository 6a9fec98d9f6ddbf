package io.skiff.controllers.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Schedule arithmetic of upstream's {@code pkg/controller/cronjob/utils.go}. */
final class CronJobUtil {

  /** The requeue lands this much after the schedule time, so that the time has surely come. */
  static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);

  /** More missed start times than this earn a warning. */
  static final int TOO_MANY_MISSED = 100;

  /** The scheduled time of a CronJob's Job, RFC 3339 in the CronJob's zone (1.28+). */
  static final String SCHEDULED_TIMESTAMP_ANNOTATION =
      "batch.kubernetes.io/cronjob-scheduled-timestamp";

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  private CronJobUtil() {}

  /** How many start times were missed: none, a few, or too many to list. */
  enum Missed {
    NONE,
    FEW,
    MANY
  }

  /**
   * The outcome of {@link #mostRecentScheduleTime}.
   *
   * @param earliest the last schedule time, the creation time, or the starting deadline
   * @param mostRecent the latest start time not after now, or null when none is due
   * @param error why the schedule makes no sense (two start times less than a second apart)
   */
  record MostRecent(Instant earliest, Instant mostRecent, Missed missed, String error) {}

  /**
   * The most recent time a Job should have been started, counting from the last schedule time (or
   * creation), and with {@code includeStartingDeadline} no earlier than the starting deadline.
   * Missed start times are estimated from the gap between the first two, as upstream does, so that
   * decades of minutely misses cost nothing.
   */
  static MostRecent mostRecentScheduleTime(
      CronJob cj, Instant now, CronSchedule schedule, boolean includeStartingDeadline) {
    Instant earliest = Times.parse(cj.getMetadata().getCreationTimestamp());
    if (cj.getStatus() != null && cj.getStatus().getLastScheduleTime() != null) {
      earliest = Times.parse(cj.getStatus().getLastScheduleTime());
    }
    if (earliest == null) {
      earliest = now;
    }
    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (includeStartingDeadline && deadline != null) {
      Instant schedulingDeadline = now.minusSeconds(deadline);
      if (schedulingDeadline.isAfter(earliest)) {
        earliest = schedulingDeadline;
      }
    }
    Instant t1 = schedule.next(earliest);
    Instant t2 = t1 == null ? null : schedule.next(t1);
    if (t1 != null && now.isBefore(t1)) {
      return new MostRecent(earliest, null, Missed.NONE, null);
    }
    if (t2 != null && now.isBefore(t2)) {
      return new MostRecent(earliest, t1, Missed.NONE, null);
    }
    long between = t1 == null || t2 == null ? 0 : roundToSeconds(Duration.between(t1, t2));
    if (between < 1) {
      return new MostRecent(
          earliest,
          null,
          Missed.NONE,
          "time difference between two schedules is less than 1 second");
    }
    long elapsed = Duration.between(t1, now).getSeconds();
    long missedCount = elapsed / between + 1;
    // Start one interval early and let the schedule find the real times: irregular schedules
    // (e.g. "30 6-16/4 * * 1-5") are not evenly spaced.
    Instant potentialEarliest = t1.plusSeconds((missedCount - 1 - 1) * between);
    Instant mostRecent = null;
    for (Instant t = schedule.next(potentialEarliest);
        t != null && !t.isAfter(now);
        t = schedule.next(t)) {
      mostRecent = t;
    }
    Missed missed = missedCount > TOO_MANY_MISSED ? Missed.MANY : Missed.FEW;
    return new MostRecent(earliest, mostRecent, missed, null);
  }

  /** Go's Duration.Round(time.Second), in seconds: halves away from zero. */
  private static long roundToSeconds(Duration d) {
    long nanos = d.toNanos();
    return (nanos + 500_000_000L) / 1_000_000_000L;
  }

  /**
   * When to look again: the next start time after the most recent one (or after now when start
   * times were missed or the schedule is broken), plus {@link #NEXT_SCHEDULE_DELTA} (upstream's
   * nextScheduleTimeDuration, as a time rather than a delay from {@code now}).
   */
  static Instant nextSync(CronJob cj, Instant now, CronSchedule schedule) {
    MostRecent r = mostRecentScheduleTime(cj, now, schedule, false);
    Instant from;
    if (r.error() != null) {
      from = now;
    } else if (r.mostRecent() == null) {
      from = r.missed() == Missed.NONE ? r.earliest() : now;
    } else {
      from = r.mostRecent();
    }
    Instant next = schedule.next(from);
    if (next == null) {
      // No start time ever again: look again in a year rather than never.
      return now.plus(Duration.ofDays(366));
    }
    return next.plus(NEXT_SCHEDULE_DELTA);
  }

  /** {@code <cronjob>-<scheduled time in minutes since the epoch>}: one name per start time. */
  static String jobName(CronJob cj, Instant scheduledTime) {
    return cj.getMetadata().getName() + "-" + Math.floorDiv(scheduledTime.getEpochSecond(), 60);
  }

  static String scheduledTimestamp(Instant scheduledTime, ZoneId zone) {
    return RFC3339.format(scheduledTime.atZone(zone));
  }
}
