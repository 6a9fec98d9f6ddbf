package io.skiff.node;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Go writes and reads them ({@code time.Duration.String} and {@code
 * time.ParseDuration}): the kubelet prints back-offs and pull times this way ({@code 5m0s}, {@code
 * 1.5s}, {@code 800ms}), and the simulation annotations take the same spelling.
 */
public final class GoDuration {

  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /** Go's {@code Duration.String()}. */
  public static String format(Duration d) {
    long ns = d.toNanos();
    if (ns == 0) {
      return "0s";
    }
    String sign = ns < 0 ? "-" : "";
    long u = Math.abs(ns);
    if (u < 1_000L) {
      return sign + u + "ns";
    }
    if (u < 1_000_000L) {
      return sign + fraction(u, 1_000L) + "µs";
    }
    if (u < 1_000_000_000L) {
      return sign + fraction(u, 1_000_000L) + "ms";
    }
    long hours = u / 3_600_000_000_000L;
    long minutes = u / 60_000_000_000L % 60;
    StringBuilder out = new StringBuilder(sign);
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    return out.append(fraction(u % 60_000_000_000L, 1_000_000_000L)).append('s').toString();
  }

  /** {@code value / unit} with the fraction's trailing zeros dropped, as Go's fmtFrac does. */
  private static String fraction(long value, long unit) {
    return BigDecimal.valueOf(value)
        .divide(BigDecimal.valueOf(unit))
        .stripTrailingZeros()
        .toPlainString();
  }

  /**
   * Go's {@code time.ParseDuration} ({@code 1h30m}, {@code 2.5s}, {@code 500ms}); a bare number is
   * taken as seconds, as annotations written by hand often are.
   *
   * @throws IllegalArgumentException for anything else, and for negative durations
   */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim();
    if (s.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(s));
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int at = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < s.length() && m.find(at) && m.start() == at) {
      BigDecimal unit =
          switch (m.group(2)) {
            case "ns" -> BigDecimal.ONE;
            case "us", "µs", "μs" -> BigDecimal.valueOf(1_000L);
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
          };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
      at = m.end();
    }
    if (s.isEmpty() || at != s.length()) {
      throw new IllegalArgumentException("time: invalid duration \"" + s + "\"");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
