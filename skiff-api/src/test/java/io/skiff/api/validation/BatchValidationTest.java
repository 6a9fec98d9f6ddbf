package io.skiff.api.validation;

import static io.skiff.api.validation.Fixtures.defaulted;
import static io.skiff.api.validation.Fixtures.messages;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.skiff.api.defaults.Defaulter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BatchValidationTest {

  private static Job job(Consumer<Job> mutate) {
    return defaulted(
        Job.class,
        Fixtures.JOB,
        j -> {
          Defaulter.generateJobSelector(j);
          mutate.accept(j);
        });
  }

  static Stream<Arguments> jobs() {
    return Stream.of(
        Arguments.of("valid", (Consumer<Job>) j -> {}, List.of()),
        Arguments.of(
            "restart policy left to default",
            (Consumer<Job>) j -> j.getSpec().getTemplate().getSpec().setRestartPolicy("Always"),
            List.of(
                "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"")),
        Arguments.of(
            "completion mode",
            (Consumer<Job>) j -> j.getSpec().setCompletionMode("Sometimes"),
            List.of(
                "spec.completionMode: Unsupported value: \"Sometimes\": supported values:"
                    + " \"NonIndexed\", \"Indexed\"")),
        Arguments.of(
            "negative backoff",
            (Consumer<Job>) j -> j.getSpec().setBackoffLimit(-1),
            List.of("spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0")),
        Arguments.of(
            "selector that was not generated",
            (Consumer<Job>) j -> j.getSpec().getSelector().setMatchLabels(Map.of("job-name", "pi")),
            List.of(
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"job-name\":\"pi\"},"
                    + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not"
                    + " auto-generated")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void jobCreate(String name, Consumer<Job> mutate, List<String> expected) {
    assertThat(messages(Validator.validateCreate(job(mutate)))).containsExactlyElementsOf(expected);
  }

  @Test
  void jobWithoutAGeneratedSelector() {
    Job j = defaulted(Job.class, Fixtures.JOB, x -> {});
    assertThat(messages(Validator.validateCreate(j)))
        .containsExactly(
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not"
                + " match template `labels`");
  }

  @Test
  void jobTemplateIsImmutableUnlessSuspendedAndNeverStarted() {
    Job old = job(j -> j.getMetadata().setResourceVersion("2"));
    Job image = Fixtures.copy(old);
    image.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("perl:5.36");
    List<String> msgs = messages(Validator.validateUpdate(image, old));
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0))
        .startsWith("spec.template: Invalid value: ")
        .endsWith(": field is immutable");

    Job suspendedOld =
        job(
            j -> {
              j.getMetadata().setResourceVersion("2");
              j.getSpec().setSuspend(true);
            });
    Job moved = Fixtures.copy(suspendedOld);
    moved.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("zone", "b"));
    assertThat(Validator.validateUpdate(moved, suspendedOld)).isEmpty();
  }

  @Test
  void cronJobs() {
    CronJob ok = defaulted(CronJob.class, Fixtures.CRON_JOB, c -> {});
    assertThat(Validator.validateCreate(ok)).isEmpty();
    CronJob bad =
        defaulted(
            CronJob.class,
            Fixtures.CRON_JOB,
            c -> {
              c.getSpec().setConcurrencyPolicy("Sometimes");
              c.getSpec()
                  .getJobTemplate()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .setRestartPolicy("Always");
              c.getSpec().setTimeZone("Mars/Olympus");
            });
    assertThat(messages(Validator.validateCreate(bad)))
        .containsExactly(
            "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
            "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\","
                + " \"Forbid\", \"Replace\"",
            "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values:"
                + " \"OnFailure\", \"Never\"");
    CronJob longName =
        defaulted(CronJob.class, Fixtures.CRON_JOB, c -> c.getMetadata().setName("a".repeat(53)));
    assertThat(messages(Validator.validateCreate(longName)))
        .containsExactly(
            "metadata.name: Invalid value: \""
                + "a".repeat(53)
                + "\": must be no more than 52 characters");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*/5 * * * *|",
        "0 0 1 jan mon|",
        "@hourly|",
        "@every 1h30m|",
        "61 * * * *|end of range (61) above maximum (59): 61",
        "* * * *|expected exactly 5 fields, found 4: [* * * *]",
        "* * * * * *|expected exactly 5 fields, found 6: [* * * * * *]",
        "@often|unrecognized descriptor: @often",
        "x * * * *|failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
        "5-1 * * * *|beginning of range (5) beyond end of range (1): 5-1",
        "1-2-3 * * * *|too many hyphens: 1-2-3",
        "*/0 * * * *|step of range should be a positive number: */0",
        "* * 0 * *|beginning of range (0) below minimum (1): 0",
      })
  void cronSchedules(String schedule, String error) {
    assertThat(CronSchedule.check(schedule).orElse(null)).isEqualTo(error);
  }

  @Test
  void scheduleErrorsAndTimeZonesInTheSchedule() {
    CronJob tz =
        defaulted(
            CronJob.class, Fixtures.CRON_JOB, c -> c.getSpec().setSchedule("TZ=UTC 0 * * * *"));
    assertThat(messages(Validator.validateCreate(tz)))
        .containsExactly(
            "spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule,"
                + " use timeZone field instead");
    CronJob bad =
        defaulted(CronJob.class, Fixtures.CRON_JOB, c -> c.getSpec().setSchedule("61 * * * *"));
    assertThat(messages(Validator.validateCreate(bad)))
        .containsExactly(
            "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61");
  }
}
