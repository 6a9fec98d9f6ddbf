package io.skiff.api.validation;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of {@code robfig/cron/v3}'s {@code ParseStandard}, which upstream uses for CronJob
 * schedules: five fields (minute hour day-of-month month day-of-week) or a descriptor, with that
 * library's error texts.
 */
final class CronSchedule {

  private CronSchedule() {}

  private record Bounds(int min, int max, Map<String, Integer> names) {}

  private static final Map<String, Integer> MONTHS =
      Map.ofEntries(
          Map.entry("jan", 1),
          Map.entry("feb", 2),
          Map.entry("mar", 3),
          Map.entry("apr", 4),
          Map.entry("may", 5),
          Map.entry("jun", 6),
          Map.entry("jul", 7),
          Map.entry("aug", 8),
          Map.entry("sep", 9),
          Map.entry("oct", 10),
          Map.entry("nov", 11),
          Map.entry("dec", 12));

  private static final Map<String, Integer> DAYS =
      Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);

  private static final List<Bounds> FIELDS =
      List.of(
          new Bounds(0, 59, Map.of()),
          new Bounds(0, 23, Map.of()),
          new Bounds(1, 31, Map.of()),
          new Bounds(1, 12, MONTHS),
          new Bounds(0, 6, DAYS));

  private static final List<String> DESCRIPTORS =
      List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

  /** The parser's error message, or empty when the schedule parses. */
  static Optional<String> check(String schedule) {
    String spec = schedule;
    if (spec.isEmpty()) {
      return Optional.of("empty spec string");
    }
    if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
      int space = spec.indexOf(' ');
      int eq = spec.indexOf('=');
      String loc = space < 0 ? spec.substring(eq + 1) : spec.substring(eq + 1, space);
      try {
        ZoneId.of(loc);
      } catch (DateTimeException e) {
        return Optional.of("provided bad location " + loc + ": unknown time zone " + loc);
      }
      spec = space < 0 ? "" : spec.substring(space).strip();
    }
    if (spec.startsWith("@")) {
      if (DESCRIPTORS.contains(spec)) {
        return Optional.empty();
      }
      if (spec.startsWith("@every ")) {
        String d = spec.substring("@every ".length());
        return isGoDuration(d)
            ? Optional.empty()
            : Optional.of(
                "failed to parse duration "
                    + spec
                    + ": time: invalid duration "
                    + GoValueFormatter.quote(d));
      }
      return Optional.of("unrecognized descriptor: " + spec);
    }
    String[] fields = spec.strip().isEmpty() ? new String[0] : spec.strip().split("\\s+");
    if (fields.length != 5) {
      return Optional.of(
          "expected exactly 5 fields, found "
              + fields.length
              + ": ["
              + String.join(" ", fields)
              + "]");
    }
    for (int i = 0; i < 5; i++) {
      for (String range : fields[i].split(",")) {
        if (range.isEmpty()) {
          continue;
        }
        Optional<String> err = checkRange(range, FIELDS.get(i));
        if (err.isPresent()) {
          return err;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkRange(String expr, Bounds r) {
    String[] rangeAndStep = expr.split("/", -1);
    String[] lowAndHigh = rangeAndStep[0].split("-", -1);
    boolean single = lowAndHigh.length == 1;
    long start;
    long end;
    if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
      start = r.min();
      end = r.max();
    } else {
      Result s = parseIntOrName(lowAndHigh[0], r.names());
      if (s.error != null) {
        return Optional.of(s.error);
      }
      start = s.value;
      switch (lowAndHigh.length) {
        case 1 -> end = start;
        case 2 -> {
          Result e = parseIntOrName(lowAndHigh[1], r.names());
          if (e.error != null) {
            return Optional.of(e.error);
          }
          end = e.value;
        }
        default -> {
          return Optional.of("too many hyphens: " + expr);
        }
      }
    }
    long step;
    switch (rangeAndStep.length) {
      case 1 -> step = 1;
      case 2 -> {
        Result s = parseInt(rangeAndStep[1]);
        if (s.error != null) {
          return Optional.of(s.error);
        }
        step = s.value;
        if (single) {
          end = r.max();
        }
      }
      default -> {
        return Optional.of("too many slashes: " + expr);
      }
    }
    if (start < r.min()) {
      return Optional.of(
          "beginning of range (" + start + ") below minimum (" + r.min() + "): " + expr);
    }
    if (end > r.max()) {
      return Optional.of("end of range (" + end + ") above maximum (" + r.max() + "): " + expr);
    }
    if (start > end) {
      return Optional.of(
          "beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
    }
    if (step == 0) {
      return Optional.of("step of range should be a positive number: " + expr);
    }
    return Optional.empty();
  }

  private record Result(long value, String error) {}

  private static Result parseIntOrName(String expr, Map<String, Integer> names) {
    Integer named = names.get(expr.toLowerCase(Locale.ROOT));
    return named != null ? new Result(named, null) : parseInt(expr);
  }

  /** Go's {@code strconv.Atoi} and the parser's sign check. */
  private static Result parseInt(String expr) {
    String digits = expr.startsWith("+") || expr.startsWith("-") ? expr.substring(1) : expr;
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
      return new Result(
          0,
          "failed to parse int from "
              + expr
              + ": strconv.Atoi: parsing "
              + GoValueFormatter.quote(expr)
              + ": invalid syntax");
    }
    long num;
    try {
      num = Long.parseLong(expr.startsWith("+") ? digits : expr);
    } catch (NumberFormatException e) {
      return new Result(
          0,
          "failed to parse int from "
              + expr
              + ": strconv.Atoi: parsing "
              + GoValueFormatter.quote(expr)
              + ": value out of range");
    }
    if (num < 0) {
      return new Result(0, "negative number (" + num + ") not allowed: " + expr);
    }
    return new Result(num, null);
  }

  private static boolean isGoDuration(String d) {
    return d.matches("[-+]?(([0-9]*(\\.[0-9]*)?)(ns|us|µs|ms|s|m|h))+") || d.equals("0");
  }
}
