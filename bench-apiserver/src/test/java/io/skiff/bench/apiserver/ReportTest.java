package io.skiff.bench.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.bench.apiserver.Results.ClosedLoop;
import io.skiff.bench.apiserver.Results.Latency;
import io.skiff.bench.apiserver.Results.Lists;
import io.skiff.bench.apiserver.Results.OpenLoop;
import io.skiff.bench.apiserver.Results.TargetResult;
import io.skiff.bench.apiserver.Results.Watches;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static final Latency LATENCY = new Latency(10, 1, 2, 3, 4);

  private final Bench.Settings settings =
      new Bench.Settings(
          List.of(TargetKind.SKIFF_SQLITE, TargetKind.MOCK),
          ObjectKind.CONFIGMAP,
          Duration.ZERO,
          1000,
          Duration.ofSeconds(10),
          256,
          16,
          Duration.ofSeconds(4),
          1000,
          List.of(1000),
          4,
          10,
          2000,
          Path.of("/tmp"));

  @Test
  void ratiosAndTargetsCompareSkiffWithTheMock() {
    TargetResult skiff = result(TargetKind.SKIFF_SQLITE, 8.5, 3000);
    TargetResult mock = result(TargetKind.MOCK, 20, 1000);

    String printed = print(new Report(settings, List.of(skiff, mock)));

    assertThat(printed)
        .containsPattern("creates/s +3,000 +1,000 +3\\.00x")
        .containsPattern("p99 \\(ms\\) +8\\.50 +20\\.0 +0\\.43x")
        .contains("skiff-sqlite  p99 create at 1,000/s <= 10 ms: met (8.50 ms)")
        .contains("skiff-sqlite  closed-loop creates >= 3x mock: met (3.00x)")
        .contains("checks: every request sent succeeded");
  }

  @Test
  void aRatioFarBelowOneKeepsTwoSignificantDigits() {
    TargetResult skiff = result(TargetKind.SKIFF_SQLITE, 0.05, 3000);
    TargetResult mock = result(TargetKind.MOCK, 20, 1000);

    assertThat(print(new Report(settings, List.of(skiff, mock))))
        .containsPattern("p99 \\(ms\\) +0\\.05 +20\\.0 +0\\.0025x");
  }

  @Test
  void aMissedTargetIsSaidSo() {
    TargetResult skiff = result(TargetKind.SKIFF_SQLITE, 12, 2900);
    TargetResult mock = result(TargetKind.MOCK, 20, 1000);

    String printed = print(new Report(settings, List.of(skiff, mock)));

    assertThat(printed)
        .contains("p99 create at 1,000/s <= 10 ms: MISSED (12.0 ms)")
        .contains("closed-loop creates >= 3x mock: MISSED (2.90x)");
  }

  @Test
  void withoutTheMockTheLatencyTargetIsStillJudged() {
    TargetResult skiff = result(TargetKind.SKIFF_SQLITE, 8.5, 3000);

    String printed = print(new Report(settings, List.of(skiff)));

    assertThat(printed)
        .doesNotContain("/mock ")
        .contains("skiff-sqlite  p99 create at 1,000/s <= 10 ms: met (8.50 ms)")
        .contains("(no mock in this run: no throughput ratio)");
  }

  @Test
  void lostWritesFailuresAndMissingEventsAreReported() {
    TargetResult good = result(TargetKind.MOCK, 20, 1000);
    TargetResult bad =
        new TargetResult(
            TargetKind.SKIFF_SQLITE,
            new OpenLoop(1000, Duration.ofSeconds(10), 10000, 9990, 5, 5, 9980, 990, LATENCY, "x"),
            new ClosedLoop(16, 100, 0, 100, LATENCY, 99, null),
            new ClosedLoop(16, 100, 2, 100, LATENCY, -1, "get answered 404"),
            List.of(new Lists(1000, 999, 4, 10, 0, 5, 1000, LATENCY, null)),
            new Watches(10, 2000, 2000, 0, 20000, 19999, 1, LATENCY, null));

    List<String> problems = new Report(settings, List.of(bad, good)).problems();

    assertThat(problems)
        .containsExactly(
            "skiff-sqlite: 5 open-loop creates failed (first: x)",
            "skiff-sqlite: 9990 open-loop creates acknowledged, 9980 listed",
            "skiff-sqlite: closed-loop creates: 100 acknowledged, 99 listed",
            "skiff-sqlite: gets: 2 failed (first: get answered 404)",
            "skiff-sqlite: a list of 1000 returned 999 items",
            "skiff-sqlite: watch: 0 creates failed, 19999 of 20000 events delivered"
                + " (first error: null)");
    assertThat(print(new Report(settings, List.of(bad, good))))
        .contains("checks FAILED (the figures above are suspect):");
  }

  @Test
  void aServerThatFellBehindIsANoteNotAFailure() {
    TargetResult skiff = result(TargetKind.SKIFF_SQLITE, 8.5, 3000);
    TargetResult mock =
        new TargetResult(
            TargetKind.MOCK,
            new OpenLoop(
                1000, Duration.ofSeconds(10), 10000, 4000, 0, 6000, 4000, 200, LATENCY, null),
            skiff.creates(),
            skiff.gets(),
            skiff.lists(),
            skiff.watch());
    Report report = new Report(settings, List.of(skiff, mock));

    assertThat(report.problems()).isEmpty();
    assertThat(print(report))
        .contains(
            "note: mock fell behind the open-loop rate: 6000 of 10000 creates not sent by the"
                + " cut-off; its open-loop latencies are lower bounds")
        .contains("checks: every request sent succeeded");
  }

  private static TargetResult result(TargetKind target, double openP99, double createsPerSecond) {
    Latency open = new Latency(10000, 1, openP99, openP99, openP99);
    return new TargetResult(
        target,
        new OpenLoop(1000, Duration.ofSeconds(10), 10000, 10000, 0, 0, 10000, 1000, open, null),
        new ClosedLoop(16, 1000, 0, createsPerSecond, LATENCY, 1000, null),
        new ClosedLoop(16, 1000, 0, 5000, LATENCY, -1, null),
        List.of(new Lists(1000, 1000, 4, 100, 0, 25, 600_000, LATENCY, null)),
        new Watches(10, 2000, 2000, 0, 20000, 20000, 10000, LATENCY, null));
  }

  private static String print(Report report) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
