package io.skiff.bench.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every store benchmark with one short configuration and prints the figures against Skiff's
 * targets. The configuration (1 fork, warmup 2 × 2 s, measurement 3 × 3 s per benchmark) keeps the
 * whole run within about five minutes on two cores; its error bars are wide, so compare runs of the
 * same machine, and rerun a single benchmark through {@code java -jar benchmarks.jar} with more
 * iterations when a figure matters.
 *
 * <p>System properties: {@code skiff.bench.json=FILE} also writes JMH's JSON results there; {@code
 * java.io.tmpdir} chooses the disk the databases are written to.
 */
public final class StoreBenchmarks {

  static final int FORKS = 1;
  static final int WARMUP_ITERATIONS = 2;
  static final int WARMUP_SECONDS = 2;
  static final int MEASUREMENT_ITERATIONS = 3;
  static final int MEASUREMENT_SECONDS = 3;

  static final double TARGET_WRITES_PER_SECOND = 10_000;
  static final double TARGET_GROUP_COMMIT_GAIN = 3;
  static final double TARGET_LIST_MILLIS = 20;

  private StoreBenchmarks() {}

  public static void main(String[] args) throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(benchmarks(DurableWriteBenchmark.class))
            .include(benchmarks(RawSqliteWriteBenchmark.class))
            .include(benchmarks(ListBenchmark.class))
            .include(benchmarks(WatchFanOutBenchmark.class))
            .include(benchmarks(FsyncBenchmark.class))
            .forks(FORKS)
            .warmupIterations(WARMUP_ITERATIONS)
            .warmupTime(TimeValue.seconds(WARMUP_SECONDS))
            .measurementIterations(MEASUREMENT_ITERATIONS)
            .measurementTime(TimeValue.seconds(MEASUREMENT_SECONDS))
            // sqlite-jdbc loads its native library; JDK 24+ warns about that unless allowed.
            .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
            // One failing benchmark should not cost the others' figures; it shows as n/a.
            .shouldFailOnError(false);
    String json = System.getProperty("skiff.bench.json");
    if (json != null) {
      options.resultFormat(ResultFormatType.JSON).result(json);
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Summary summary = new Summary(results);
    System.out.println();
    System.out.print(machine());
    System.out.print(summary.table());
    if (summary.missing() > 0) {
      System.err.println(summary.missing() + " figure(s) missing: see the benchmark errors above");
      System.exit(1);
    }
  }

  private static String benchmarks(Class<?> type) {
    return "^" + type.getName().replace(".", "\\.") + "\\.";
  }

  /** The facts a figure means nothing without. */
  static String machine() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "machine : %d cores, %s %s %s, JDK %s (%s %s)%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            System.getProperty("os.arch"),
            System.getProperty("java.runtime.version"),
            System.getProperty("java.vm.vendor"),
            System.getProperty("java.vm.name")));
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    String disk;
    try {
      FileStore store = Files.getFileStore(tmp);
      disk = store.name() + " (" + store.type() + ")";
    } catch (IOException e) {
      disk = "unknown (" + e.getMessage() + ")";
    }
    out.append(String.format(Locale.ROOT, "scratch : %s on %s%n", tmp, disk));
    out.append(
        String.format(
            Locale.ROOT,
            "config  : %d fork, warmup %d x %d s, measurement %d x %d s per benchmark%n%n",
            FORKS,
            WARMUP_ITERATIONS,
            WARMUP_SECONDS,
            MEASUREMENT_ITERATIONS,
            MEASUREMENT_SECONDS));
    return out.toString();
  }

  /** The run's figures, looked up by benchmark method and backend. */
  static final class Summary {
    private final Collection<RunResult> results;
    private int missing;

    Summary(Collection<RunResult> results) {
      this.results = results;
    }

    int missing() {
      return missing;
    }

    String table() {
      List<String[]> rows = new ArrayList<>();
      Result<?> store1 = find("DurableWriteBenchmark.create1Writer", "sqlite");
      Result<?> store16 = find("DurableWriteBenchmark.create16Writers", "sqlite");
      Result<?> raw1 = find("RawSqliteWriteBenchmark.insert1Writer", null);
      Result<?> raw16 = find("RawSqliteWriteBenchmark.insert16Writers", null);
      rows.add(row("durable writes, store sqlite, 1 writer", store1, "writes/s", ""));
      rows.add(
          row(
              "durable writes, store sqlite, 16 writers",
              store16,
              "writes/s",
              atLeast(store16, TARGET_WRITES_PER_SECOND, "%,.0f")));
      rows.add(row("raw sqlite 1 insert/commit, 1 connection", raw1, "writes/s", ""));
      rows.add(row("raw sqlite 1 insert/commit, 16 connections", raw16, "writes/s", ""));
      rows.add(ratio("store 16 writers / raw 1 connection", store16, raw1));
      rows.add(ratio("store 16 writers / raw 16 connections", store16, raw16));
      for (String backend : List.of("memory", "sqlite")) {
        Result<?> all = find("ListBenchmark.listAll", backend);
        rows.add(
            row(
                "list 10k keys (1 KiB), " + backend,
                all,
                backend.equals("sqlite") ? atMost(all, TARGET_LIST_MILLIS) : ""));
      }
      for (String backend : List.of("memory", "sqlite")) {
        rows.add(
            row(
                "list 10k keys in pages of 500, " + backend,
                find("ListBenchmark.listPaged", backend),
                ""));
      }
      for (String backend : List.of("memory", "sqlite")) {
        rows.add(
            row(
                "watch fan-out, 100 watchers, " + backend,
                find("WatchFanOutBenchmark.writeAndDeliver", backend),
                "events/s",
                ""));
      }
      rows.add(row("disk: write 4 KiB + fdatasync", find("FsyncBenchmark.writeAndSync", null), ""));

      StringBuilder out = new StringBuilder();
      String format = "%-44s %26s  %s%n";
      out.append(String.format(Locale.ROOT, format, "figure", "value", "target"));
      for (String[] r : rows) {
        out.append(String.format(Locale.ROOT, format, (Object[]) r));
      }
      return out.toString();
    }

    private Result<?> find(String benchmark, String backend) {
      for (RunResult r : results) {
        String name = r.getParams().getBenchmark();
        if (name.endsWith("." + benchmark)
            && (backend == null || backend.equals(r.getParams().getParam("backend")))) {
          return r.getPrimaryResult();
        }
      }
      missing++;
      return null;
    }

    private static String[] row(String label, Result<?> result, String target) {
      return row(label, result, null, target);
    }

    /** {@code unit} names what JMH counts as an operation; null keeps JMH's own unit. */
    private static String[] row(String label, Result<?> result, String unit, String target) {
      return new String[] {label, value(result, unit), target};
    }

    private static String value(Result<?> r, String unit) {
      if (r == null) {
        return "n/a";
      }
      String pattern = r.getScore() >= 100 ? "%,.0f ± %,.0f %s" : "%.2f ± %.2f %s";
      double error = Double.isNaN(r.getScoreError()) ? 0 : r.getScoreError();
      return String.format(
          Locale.ROOT, pattern, r.getScore(), error, unit == null ? r.getScoreUnit() : unit);
    }

    private static String[] ratio(String label, Result<?> top, Result<?> bottom) {
      if (top == null || bottom == null) {
        return new String[] {label, "n/a", ">= " + fmt(TARGET_GROUP_COMMIT_GAIN) + " x"};
      }
      double ratio = top.getScore() / bottom.getScore();
      return new String[] {
        label,
        String.format(Locale.ROOT, "%.1f x", ratio),
        verdict(ratio >= TARGET_GROUP_COMMIT_GAIN, ">= 3 x", ratio / TARGET_GROUP_COMMIT_GAIN)
      };
    }

    private static String atLeast(Result<?> r, double target, String pattern) {
      String goal = ">= " + String.format(Locale.ROOT, pattern, target) + "/s";
      return r == null ? goal : verdict(r.getScore() >= target, goal, r.getScore() / target);
    }

    private static String atMost(Result<?> r, double target) {
      String goal = "<= " + fmt(target) + " ms";
      return r == null ? goal : verdict(r.getScore() <= target, goal, r.getScore() / target);
    }

    /** {@code achieved} is the figure as a fraction of the target. */
    private static String verdict(boolean met, String goal, double achieved) {
      return String.format(
          Locale.ROOT, "%s: %s (%.0f%% of target)", goal, met ? "met" : "MISSED", achieved * 100);
    }

    private static String fmt(double d) {
      return String.format(Locale.ROOT, "%.0f", d);
    }
  }
}
