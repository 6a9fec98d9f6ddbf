package io.skiff.bench.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.bench.apiserver.Results.Lists;
import io.skiff.bench.apiserver.Results.TargetResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole harness for a fraction of a second against Skiff (SQLite) and the mock, and checks
 * that every scenario made and completed the requests it should have. Counts only: timings are the
 * benchmark's business, not a test's.
 */
class BenchSmokeIT {

  @TempDir Path tmp;

  @Test
  void everyScenarioCompletesItsRequestsAgainstBothServers() throws Exception {
    Bench.Settings settings =
        new Bench.Settings(
            List.of(TargetKind.SKIFF_SQLITE, TargetKind.MOCK),
            ObjectKind.CONFIGMAP,
            Duration.ofMillis(300),
            100,
            Duration.ofMillis(300),
            8,
            4,
            Duration.ofMillis(200),
            20,
            List.of(10, 50),
            2,
            3,
            20,
            tmp);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    List<TargetResult> results =
        new Bench(settings, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

    assertThat(results)
        .extracting(TargetResult::target)
        .containsExactly(TargetKind.SKIFF_SQLITE, TargetKind.MOCK);
    for (TargetResult r : results) {
      String target = r.target().label();

      // 100/s for 0.3 s: exactly 30 creates planned, all sent, acknowledged and then listed.
      assertThat(r.openLoop().planned()).as(target).isEqualTo(30);
      assertThat(r.openLoop().notSent()).as(target).isZero();
      assertThat(r.openLoop().failed()).as(target).isZero();
      assertThat(r.openLoop().succeeded()).as(target).isEqualTo(30);
      assertThat(r.openLoop().stored()).as(target).isEqualTo(30);
      assertThat(r.openLoop().latency().count()).as(target).isEqualTo(30);

      assertThat(r.creates().failed()).as(target).isZero();
      assertThat(r.creates().succeeded()).as(target).isPositive();
      assertThat(r.creates().stored()).as(target).isEqualTo(r.creates().succeeded());
      assertThat(r.creates().latency().count()).as(target).isEqualTo(r.creates().succeeded());

      assertThat(r.gets().failed()).as(target).isZero();
      assertThat(r.gets().succeeded()).as(target).isPositive();
      assertThat(r.gets().latency().count()).as(target).isEqualTo(r.gets().succeeded());

      assertThat(r.lists()).extracting(Lists::size).containsExactly(10, 50);
      for (Lists l : r.lists()) {
        assertThat(l.verifiedItems()).as(target).isEqualTo(l.size());
        assertThat(l.failed()).as(target).isZero();
        assertThat(l.succeeded()).as(target).isPositive();
        assertThat(l.bytesPerList()).as(target).isGreaterThan(l.size() * 100.0);
      }

      // 3 watchers × 20 creates: every watcher saw every create, once.
      assertThat(r.watch().createsSucceeded()).as(target).isEqualTo(20);
      assertThat(r.watch().createsFailed()).as(target).isZero();
      assertThat(r.watch().expected()).as(target).isEqualTo(60);
      assertThat(r.watch().delivered()).as(target).isEqualTo(60);
      assertThat(r.watch().delivery().count()).as(target).isEqualTo(60);
    }

    Report report = new Report(settings, results);
    assertThat(report.problems()).isEmpty();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    report.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("skiff-sqlite", "mock", "sqlite/mock", "checks: every request sent succeeded");
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("skiff-sqlite  warmup", "mock          watch");
  }
}
