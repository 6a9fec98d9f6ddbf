package io.skiff.controllers.cronjob;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CronJob schedule as upstream's {@code cron.ParseStandard} reads it: five fields (minute, hour,
 * day of month, month, day of week; names, ranges, steps, {@code ?}), or a descriptor ({@code
 * @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code
 * @midnight}, {@code @hourly}, {@code @every <duration>}), optionally after {@code TZ=<zone>} or
 * {@code CRON_TZ=<zone>}. Without a zone the controller's zone, UTC, applies. The five fields are
 * evaluated by cron-utils (day of month and day of week both restricted: either matches).
 */
final class CronSchedule {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private static final Map<String, String> DESCRIPTORS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

  private final ZoneId zone;
  private final ExecutionTime execution;
  private final Duration every;

  private CronSchedule(ZoneId zone, ExecutionTime execution, Duration every) {
    this.zone = zone;
    this.execution = execution;
    this.every = every;
  }

  /**
   * Parses {@code spec}.
   *
   * @throws IllegalArgumentException with the reason it is not a schedule
   */
  static CronSchedule parse(String spec) {
    ZoneId zone = ZoneOffset.UTC;
    String s = spec.strip();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      int space = s.indexOf(' ');
      int eq = s.indexOf('=');
      String name = space < 0 ? s.substring(eq + 1) : s.substring(eq + 1, space);
      try {
        zone = ZoneId.of(name);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            "provided bad location " + name + ": unknown time zone " + name, e);
      }
      s = space < 0 ? "" : s.substring(space).strip();
    }
    if (s.startsWith("@every ")) {
      Duration d = parseGoDuration(s.substring("@every ".length()).strip());
      // Sub-second delays are rounded down, to at least one second.
      long seconds = Math.max(1, d.getSeconds());
      return new CronSchedule(zone, null, Duration.ofSeconds(seconds));
    }
    if (s.startsWith("@")) {
      String fields = DESCRIPTORS.get(s);
      if (fields == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + s);
      }
      s = fields;
    }
    String[] fields = s.isEmpty() ? new String[0] : s.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "expected exactly 5 fields, found " + fields.length + ": " + s);
    }
    // "?" means "*" in the day fields, as in robfig/cron.
    for (int i : new int[] {2, 4}) {
      if (fields[i].equals("?")) {
        fields[i] = "*";
      }
    }
    Cron cron;
    try {
      cron = PARSER.parse(String.join(" ", fields));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new CronSchedule(zone, ExecutionTime.forCron(cron), null);
  }

  /**
   * The first activation strictly after {@code t} (at a whole minute, in the schedule's zone), or
   * null when there is none (e.g. February 31st).
   */
  Instant next(Instant t) {
    if (every != null) {
      return t.plus(every).minusNanos(t.getNano());
    }
    Optional<ZonedDateTime> n = execution.nextExecution(t.atZone(zone));
    return n.map(ZonedDateTime::toInstant).orElse(null);
  }

  ZoneId zone() {
    return zone;
  }

  /** Go's time.ParseDuration for the units a schedule uses. */
  static Duration parseGoDuration(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
    Matcher m = GO_DURATION_PART.matcher(text);
    int pos = 0;
    double nanos = 0;
    while (pos < text.length()) {
      if (!m.find(pos) || m.start() != pos || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
      }
      double value = Double.parseDouble(m.group(1));
      nanos +=
          value
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1_000;
                case "ms" -> 1_000_000;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
              };
      pos = m.end();
    }
    return Duration.ofNanos((long) nanos);
  }
}
