package io.skiff.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.skiff.controllers.runtime.Times;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Schedule parsing and next start times, and upstream's missed-schedule arithmetic, as tables. */
class CronScheduleTest {

  @ParameterizedTest(name = "{0} after {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*/15 * * * *          | 2024-01-01T00:00:00Z   | 2024-01-01T00:15:00Z",
        "*/15 * * * *          | 2024-01-01T00:14:59.9Z | 2024-01-01T00:15:00Z",
        "0 * * * *             | 2024-01-01T00:00:00.5Z | 2024-01-01T01:00:00Z",
        "@hourly               | 2024-01-01T00:30:00Z   | 2024-01-01T01:00:00Z",
        "@daily                | 2024-01-01T00:30:00Z   | 2024-01-02T00:00:00Z",
        "@midnight             | 2024-01-01T00:30:00Z   | 2024-01-02T00:00:00Z",
        "@weekly               | 2024-01-01T00:00:00Z   | 2024-01-07T00:00:00Z",
        "@monthly              | 2024-01-15T00:00:00Z   | 2024-02-01T00:00:00Z",
        "@yearly               | 2024-01-15T00:00:00Z   | 2025-01-01T00:00:00Z",
        "@annually             | 2024-01-15T00:00:00Z   | 2025-01-01T00:00:00Z",
        "@every 90m            | 2024-01-01T00:00:00.7Z | 2024-01-01T01:30:00Z",
        "@every 1h30m10s       | 2024-01-01T00:00:00Z   | 2024-01-01T01:30:10Z",
        "0 9 * * MON-FRI       | 2024-01-05T10:00:00Z   | 2024-01-08T09:00:00Z",
        "5 4 * * sun           | 2024-01-01T00:00:00Z   | 2024-01-07T04:05:00Z",
        "0 0 1 JAN *           | 2024-01-01T00:00:00Z   | 2025-01-01T00:00:00Z",
        "0 0 ? * *             | 2024-01-01T12:00:00Z   | 2024-01-02T00:00:00Z",
        // Both day fields restricted: either matches (Friday the 5th comes before the 13th).
        "0 0 13 * 5            | 2024-01-01T00:00:00Z   | 2024-01-05T00:00:00Z",
        "0 0 13 * 5            | 2024-01-12T00:00:00Z   | 2024-01-13T00:00:00Z",
        "30 6-16/4 * * 1-5     | 2024-01-01T11:00:00Z   | 2024-01-01T14:30:00Z",
        "TZ=Europe/Berlin 0 9 * * * | 2024-05-01T00:00:00Z | 2024-05-01T07:00:00Z",
        "CRON_TZ=America/New_York 0 9 * * * | 2024-01-01T00:00:00Z | 2024-01-01T14:00:00Z",
      })
  void nextStartTime(String spec, String after, String next) {
    assertThat(CronSchedule.parse(spec.strip()).next(Instant.parse(after)))
        .isEqualTo(Instant.parse(next));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * *             | expected exactly 5 fields, found 4: * * * *",
        "@fortnightly        | unrecognized descriptor: @fortnightly",
        "TZ=Mars/Olympus * * * * * | provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
        "@every fast         | time: invalid duration \"fast\"",
      })
  void badSchedules(String spec, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(spec.strip())).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"61 * * * *", "* 25 * * *", "* * 32 * *", "* * * 13 *"})
  void outOfRangeFieldsDoNotParse(String spec) {
    assertThatThrownBy(() -> CronSchedule.parse(spec)).isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void anImpossibleDateHasNoNextTime() {
    assertThat(CronSchedule.parse("0 0 31 2 *").next(Instant.parse("2024-01-01T00:00:00Z")))
        .isNull();
  }

  private static CronJob cronJob(String created, String lastScheduled, Long deadline) {
    CronJob cj = CronJobControllerTest.cronJob("* * * * *", b -> {});
    cj.getMetadata().setCreationTimestamp(created);
    cj.getSpec().setStartingDeadlineSeconds(deadline);
    cj.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus());
    cj.getStatus().setLastScheduleTime(lastScheduled.isEmpty() ? null : lastScheduled);
    return cj;
  }

  /**
   * Upstream's TestMostRecentScheduleTime, in spirit: when the last start was due, how many missed.
   */
  @ParameterizedTest(name = "{0}: created {1}, last {2}, now {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        // schedule | created | lastScheduleTime | now | deadline | mostRecent | missed
        "0 * * * *  | 2016-05-19T09:00:00Z | ''                   | 2016-05-19T09:59:00Z | null | null                 | NONE",
        "0 * * * *  | 2016-05-19T09:00:00Z | ''                   | 2016-05-19T10:00:00Z | null | 2016-05-19T10:00:00Z | NONE",
        "0 * * * *  | 2016-05-19T09:00:00Z | 2016-05-19T10:00:00Z | 2016-05-19T10:30:00Z | null | null                 | NONE",
        "0 * * * *  | 2016-05-19T09:00:00Z | ''                   | 2016-05-19T12:30:00Z | null | 2016-05-19T12:00:00Z | FEW",
        "0 * * * *  | 2016-05-19T09:00:00Z | ''                   | 2016-05-19T12:30:00Z | 600  | null                 | NONE",
        "0 * * * *  | 2016-05-19T09:00:00Z | ''                   | 2016-05-19T12:05:00Z | 600  | 2016-05-19T12:00:00Z | NONE",
        "0 * * * *  | 2016-05-19T09:00:00Z | ''                   | 2016-05-24T09:30:00Z | null | 2016-05-24T09:00:00Z | MANY",
        "*/5 * * * * | 2016-05-19T09:00:00Z | ''                  | 2016-05-19T17:20:00Z | null | 2016-05-19T17:20:00Z | FEW",
        "*/5 * * * * | 2016-05-19T09:00:00Z | ''                  | 2016-05-19T17:35:00Z | null | 2016-05-19T17:35:00Z | MANY",
        "30 6-16/4 * * 1-5 | 2023-01-02T06:00:00Z | ''             | 2023-01-06T15:00:00Z | null | 2023-01-06T14:30:00Z | FEW",
        "@every 1h  | 2016-05-19T09:00:00Z | ''                   | 2016-05-19T12:30:00Z | null | 2016-05-19T12:00:00Z | FEW",
      })
  void mostRecentScheduleTime(
      String schedule,
      String created,
      String last,
      String now,
      Long deadline,
      String mostRecent,
      CronJobUtil.Missed missed) {
    CronJobUtil.MostRecent r =
        CronJobUtil.mostRecentScheduleTime(
            cronJob(created, last, deadline),
            Instant.parse(now),
            CronSchedule.parse(schedule.strip()),
            true);
    assertThat(r.error()).isNull();
    assertThat(r.mostRecent()).isEqualTo(mostRecent == null ? null : Instant.parse(mostRecent));
    assertThat(r.missed()).isEqualTo(missed);
  }

  @org.junit.jupiter.api.Test
  void anImpossibleScheduleIsAnError() {
    CronJobUtil.MostRecent r =
        CronJobUtil.mostRecentScheduleTime(
            cronJob("2016-05-19T09:00:00Z", "", null),
            Instant.parse("2017-05-19T09:00:00Z"),
            CronSchedule.parse("59 23 31 2 *"),
            true);
    assertThat(r.error()).isEqualTo("time difference between two schedules is less than 1 second");
  }

  @ParameterizedTest(name = "{0} at {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // no start missed since the last: the next one after it
        "0 * * * * | 2016-05-19T10:00:00Z | 2016-05-19T10:30:00Z | PT30M0.1S",
        // starts missed: the next one after now
        "0 * * * * | 2016-05-19T07:00:00Z | 2016-05-19T10:30:00Z | PT30M0.1S",
        "*/5 * * * * | 2016-05-19T10:00:00Z | 2016-05-19T10:00:00.1Z | PT5M",
      })
  void nextScheduleTimeDuration(String schedule, String last, String now, String expected) {
    CronJob cj = cronJob("2016-05-19T00:00:00Z", last, null);
    Instant at = Instant.parse(now);
    assertThat(
            Duration.between(
                at, CronJobUtil.nextSync(cj, at, CronSchedule.parse(schedule.strip()))))
        .isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2024-05-01T10:05:00Z, hello-28575965",
    "1970-01-01T00:00:59Z, hello-0",
    "2016-05-19T10:00:00Z, hello-24394200"
  })
  void jobNamesAreTheScheduledMinute(String at, String name) {
    CronJob cj = cronJob("2016-05-19T00:00:00Z", "", null);
    assertThat(CronJobUtil.jobName(cj, Instant.parse(at))).isEqualTo(name);
    assertThat(Times.parse(at).getEpochSecond() / 60)
        .isEqualTo(Long.parseLong(name.substring("hello-".length())));
  }
}
