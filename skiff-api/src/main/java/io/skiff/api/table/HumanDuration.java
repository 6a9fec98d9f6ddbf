package io.skiff.api.table;

import java.time.Duration;

/**
 * Upstream's {@code k8s.io/apimachinery/pkg/util/duration}: the AGE-style renderings of a duration,
 * with two to three significant figures.
 */
public final class HumanDuration {

  private static final long HOURS_PER_YEAR = 24 * 365;

  private HumanDuration() {}

  /** {@code HumanDuration}: {@code 90s}, {@code 3m10s}, {@code 70m}, {@code 5h7m}, {@code 2d1h}. */
  public static String format(Duration d) {
    long seconds = truncatedSeconds(d);
    // Up to a second in the future is tolerated as clock skew between machines.
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < HOURS_PER_YEAR * 2) {
      return hours / 24 + "d";
    } else if (hours < HOURS_PER_YEAR * 8) {
      long days = hours / 24 % 365;
      return days == 0 ? hours / HOURS_PER_YEAR + "y" : hours / HOURS_PER_YEAR + "y" + days + "d";
    }
    return hours / HOURS_PER_YEAR + "y";
  }

  /**
   * {@code ShortHumanDuration}: one unit only, {@code 59s}, {@code 1m}, {@code 23h}, {@code 1y}.
   */
  public static String formatShort(Duration d) {
    long seconds = truncatedSeconds(d);
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60) {
      return seconds + "s";
    } else if (seconds / 60 < 60) {
      return seconds / 60 + "m";
    }
    long hours = seconds / 3600;
    if (hours < 24) {
      return hours + "h";
    } else if (hours < HOURS_PER_YEAR) {
      return hours / 24 + "d";
    }
    return hours / HOURS_PER_YEAR + "y";
  }

  // Go's int(d.Seconds()) rounds toward zero; Duration.getSeconds() rounds down.
  private static long truncatedSeconds(Duration d) {
    long seconds = d.getSeconds();
    return seconds < 0 && d.getNano() > 0 ? seconds + 1 : seconds;
  }
}
