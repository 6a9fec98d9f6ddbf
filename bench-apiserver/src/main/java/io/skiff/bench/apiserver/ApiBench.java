package io.skiff.bench.apiserver;

import io.skiff.bench.apiserver.Results.TargetResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar bench-apiserver.jar}: the HTTP benchmark, Skiff side by side with the mock. */
@Command(
    name = "bench-apiserver",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Create, get, list and watch over plain HTTP against Skiff's API server (SQLite and memory"
          + " stores) and fabric8's KubernetesMockServer in CRUD mode, one after the other in this"
          + " JVM, and prints the figures side by side.",
      "Durations: 10s, 500ms, 2m or ISO-8601 (PT10S)."
    })
public final class ApiBench implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--targets",
      split = ",",
      defaultValue = "skiff-sqlite,skiff-memory,mock",
      converter = TargetConverter.class,
      description = "Servers to run, in order (default: ${DEFAULT-VALUE}).")
  private List<TargetKind> targets;

  @Option(
      names = "--kind",
      defaultValue = "configmap",
      description = "Objects to create: configmap or pod (default: ${DEFAULT-VALUE}).")
  private ObjectKind kind;

  @Option(
      names = "--warmup",
      defaultValue = "6s",
      converter = DurationConverter.class,
      description =
          "Warmup per target, on a throwaway server; all targets warm up before any is"
              + " measured (default: ${DEFAULT-VALUE}).")
  private Duration warmup;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Open-loop creates per second (default: ${DEFAULT-VALUE}).")
  private int rate;

  @Option(
      names = "--open-duration",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Open-loop run length (default: ${DEFAULT-VALUE}).")
  private Duration openDuration;

  @Option(
      names = "--max-in-flight",
      defaultValue = "256",
      description = "Most open-loop requests outstanding (default: ${DEFAULT-VALUE}).")
  private int maxInFlight;

  @Option(
      names = "--clients",
      defaultValue = "16",
      description = "Closed-loop workers for creates and gets (default: ${DEFAULT-VALUE}).")
  private int clients;

  @Option(
      names = "--duration",
      defaultValue = "4s",
      converter = DurationConverter.class,
      description =
          "Each closed-loop run: creates, gets, each list size (default: ${DEFAULT-VALUE}).")
  private Duration duration;

  @Option(
      names = "--get-objects",
      defaultValue = "1000",
      description = "Objects the gets pick from (default: ${DEFAULT-VALUE}).")
  private int getObjects;

  @Option(
      names = "--list-sizes",
      split = ",",
      defaultValue = "1000,10000",
      description = "Objects in the listed namespace, one run each (default: ${DEFAULT-VALUE}).")
  private List<Integer> listSizes;

  @Option(
      names = "--list-clients",
      defaultValue = "4",
      description = "Closed-loop workers listing (default: ${DEFAULT-VALUE}).")
  private int listClients;

  @Option(
      names = "--watchers",
      defaultValue = "10",
      description = "Watches open during the watch run (default: ${DEFAULT-VALUE}).")
  private int watchers;

  @Option(
      names = "--watch-events",
      defaultValue = "2000",
      description = "Objects created during the watch run (default: ${DEFAULT-VALUE}).")
  private int watchEvents;

  @Option(
      names = "--tmp-dir",
      description = "Where the SQLite databases go (default: java.io.tmpdir).")
  private Path tmpDir;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new ApiBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Bench.Settings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    double loadBefore = loadAverage();
    List<TargetResult> results = new Bench(settings, System.out).run();
    double loadAfter = loadAverage();
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s %s, JDK %s; load average %.2f before, %.2f after%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        Runtime.version(),
        loadBefore,
        loadAfter);
    System.out.printf(
        "load: JDK HttpClient, HTTP/1.1, plain HTTP on loopback; %s bodies of %d bytes%n",
        settings.kind().resource(), settings.kind().body("o-0").length);
    Report report = new Report(settings, results);
    report.print(System.out);
    return report.problems().isEmpty() ? 0 : 1;
  }

  private Bench.Settings settings() {
    return new Bench.Settings(
        targets,
        kind,
        warmup,
        rate,
        openDuration,
        maxInFlight,
        clients,
        duration,
        getObjects,
        listSizes,
        listClients,
        watchers,
        watchEvents,
        tmpDir != null ? tmpDir : Path.of(System.getProperty("java.io.tmpdir")));
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Reads {@code skiff-sqlite}, {@code skiff-memory} or {@code mock}. */
  static final class TargetConverter implements CommandLine.ITypeConverter<TargetKind> {
    @Override
    public TargetKind convert(String value) {
      try {
        return TargetKind.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Reads {@code 10s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT10S}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      try {
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s") && !v.startsWith("p")) {
          return Duration.ofMillis(
              Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m") && !v.startsWith("p")) {
          return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        }
        return Duration.parse(value.strip());
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration (e.g. 10s, 500ms, 2m, PT10S)");
      }
    }
  }
}
