package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario S13 of SCENARIOS.md, Job and CronJob part: a Job runs to completion (its pods complete
 * after the simulated run time) and a CronJob creates Jobs on schedule, driven by the real kubectl
 * against {@code skiff up} with simulated nodes. Schedules run on the server's wall clock here, so
 * the CronJob uses a one-minute schedule; virtual-time schedules are covered by the controllers'
 * tests.
 */
class JobScenariosIT {

  @RegisterExtension
  static final SkiffExtension skiff =
      new SkiffExtension()
          .withNodes(2)
          .withArgs("--job-run-time", "2s", "--image-pull-time", "200ms");

  private static Kubectl namespace(String version, String scenario) {
    Kubectl kubectl = skiff.kubectl(version);
    kubectl.output("create", "namespace", ns(version, scenario));
    return kubectl;
  }

  private static String ns(String version, String scenario) {
    return scenario + "-" + version.replace(".", "");
  }

  private static final String JOB =
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: pi
      spec:
        completions: 3
        parallelism: 2
        backoffLimit: 4
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: pi
              image: perl:5.34.0
              command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      """;

  @ForEachKubectl
  void s13JobRunsToCompletion(String version) {
    Kubectl kubectl = namespace(version, "s13job");
    String ns = ns(version, "s13job");
    kubectl.withStdin(JOB).output("create", "-f", "-", "-n", ns);

    String waited =
        kubectl
            .withTimeout(Duration.ofSeconds(200))
            .output("wait", "--for=condition=complete", "job/pi", "-n", ns, "--timeout=180s");
    assertThat(waited).contains("job.batch/pi condition met");

    JsonNode job = kubectl.json("get", "job", "pi", "-n", ns);
    assertThat(job.at("/status/succeeded").asInt()).isEqualTo(3);
    assertThat(job.at("/status/failed").isMissingNode()).isTrue();
    assertThat(job.at("/status/active").isMissingNode()).isTrue();
    assertThat(job.at("/status/startTime").asText()).isNotEmpty();
    assertThat(job.at("/status/completionTime").asText()).isNotEmpty();
    assertThat(job.at("/status/uncountedTerminatedPods").isObject()).isTrue();
    assertThat(job.at("/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid").asText())
        .isEqualTo(job.at("/metadata/uid").asText());

    JsonNode pods = kubectl.json("get", "pods", "-n", ns, "-l", "job-name=pi");
    assertThat(pods.path("items")).hasSize(3);
    for (JsonNode pod : pods.path("items")) {
      assertThat(pod.at("/metadata/name").asText()).matches("pi-[a-z0-9]{5}");
      assertThat(pod.at("/status/phase").asText()).isEqualTo("Succeeded");
      // Counted: the tracking finalizer is gone.
      assertThat(
              pod.at("/metadata/finalizers").isMissingNode()
                  || pod.at("/metadata/finalizers").isEmpty())
          .isTrue();
    }

    String describe = kubectl.output("describe", "job", "pi", "-n", ns);
    assertThat(describe)
        .containsPattern("Pods Statuses:\\s+0 Active \\(0 Ready\\) / 3 Succeeded / 0 Failed")
        .containsPattern("SuccessfulCreate\\s+.*job-controller\\s+Created pod: pi-")
        .containsPattern("Completed\\s+.*job-controller\\s+Job completed");
  }

  @ForEachKubectl
  void s13IndexedJobGivesEachPodItsIndex(String version) {
    Kubectl kubectl = namespace(version, "s13idx");
    String ns = ns(version, "s13idx");
    kubectl
        .withStdin(
            JOB.replace("name: pi\n", "name: indexed\n")
                .replace("backoffLimit: 4", "backoffLimit: 4\n  completionMode: Indexed"))
        .output("create", "-f", "-", "-n", ns);

    kubectl
        .withTimeout(Duration.ofSeconds(200))
        .output("wait", "--for=condition=complete", "job/indexed", "-n", ns, "--timeout=180s");

    JsonNode job = kubectl.json("get", "job", "indexed", "-n", ns);
    assertThat(job.at("/status/completedIndexes").asText()).isEqualTo("0-2");
    JsonNode pods = kubectl.json("get", "pods", "-n", ns, "-l", "job-name=indexed");
    for (JsonNode pod : pods.path("items")) {
      String index =
          pod.at("/metadata/annotations/batch.kubernetes.io~1job-completion-index").asText();
      assertThat(pod.at("/metadata/name").asText()).startsWith("indexed-" + index + "-");
      assertThat(pod.at("/spec/hostname").asText()).isEqualTo("indexed-" + index);
    }
  }

  /**
   * Once, with the default kubectl: a schedule runs on wall time (minutes), and kubectl's part
   * (create cronjob, get, describe) is covered by both versions elsewhere.
   */
  @Test
  void s13CronJobCreatesJobsOnSchedule() {
    String version = KubectlBinary.DEFAULT_VERSION;
    Kubectl kubectl = namespace(version, "s13cron");
    String ns = ns(version, "s13cron");
    kubectl.output(
        "create",
        "cronjob",
        "tick",
        "--image=busybox:1.36",
        "--schedule=*/1 * * * *",
        "-n",
        ns,
        "--",
        "date");

    // The first start time is at most a minute away.
    JsonNode jobs =
        kubectl
            .withAwaitTimeout(Duration.ofSeconds(150))
            .awaitJson(j -> j.path("items").size() >= 1, "get", "jobs", "-n", ns);
    JsonNode first = jobs.at("/items/0");
    String name = first.at("/metadata/name").asText();
    assertThat(name).matches("tick-\\d+");
    long minutes = Long.parseLong(name.substring("tick-".length()));
    String scheduled =
        first.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp").asText();
    assertThat(Instant.parse(scheduled).getEpochSecond()).isEqualTo(minutes * 60);
    assertThat(first.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("CronJob");
    assertThat(first.at("/metadata/ownerReferences/0/name").asText()).isEqualTo("tick");

    JsonNode cronJob =
        kubectl
            .withAwaitTimeout(Duration.ofSeconds(150))
            .awaitJson(
                c -> !c.at("/status/lastSuccessfulTime").asText().isEmpty(),
                "get",
                "cronjob",
                "tick",
                "-n",
                ns);
    assertThat(Instant.parse(cronJob.at("/status/lastScheduleTime").asText()).getEpochSecond() % 60)
        .isZero();
    String table = kubectl.output("get", "cronjob", "tick", "-n", ns);
    assertThat(table.lines().findFirst().orElseThrow())
        .matches("NAME\\s+SCHEDULE\\s+(TIMEZONE\\s+)?SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE");
    String describe = kubectl.output("describe", "cronjob", "tick", "-n", ns);
    assertThat(describe)
        .containsPattern("SuccessfulCreate\\s+.*cronjob-controller\\s+Created job tick-")
        .containsPattern("SawCompletedJob\\s+.*cronjob-controller\\s+Saw completed job: tick-");
  }
}
