package io.skiff.cli;

import java.lang.management.ManagementFactory;
import java.time.Instant;

/** When this Skiff was launched, for the "ready in N ms" line. */
final class LaunchTime {

  /**
   * Set by {@code ./skiff} to bash's {@code $EPOCHREALTIME} just before it execs java: it is more
   * precise than the JVM's own record, which starts after the JVM has initialised, and costs
   * nothing to read.
   */
  static final String PROPERTY = "skiff.launchTime";

  private LaunchTime() {}

  static Instant get() {
    Instant fromLauncher = parse(System.getProperty(PROPERTY));
    if (fromLauncher != null) {
      return fromLauncher;
    }
    // Loads java.management (tens of ms); callers read it after reporting ready, not before.
    return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  /** Parses "seconds.micros" (the decimal point may be a comma, by locale); null if malformed. */
  static Instant parse(String epochSeconds) {
    if (epochSeconds == null || !epochSeconds.matches("\\d{1,12}([.,]\\d{1,9})?")) {
      return null;
    }
    String[] parts = epochSeconds.split("[.,]");
    long seconds = Long.parseLong(parts[0]);
    long nanos = 0;
    if (parts.length == 2) {
      String frac = (parts[1] + "000000000").substring(0, 9);
      nanos = Long.parseLong(frac);
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }
}
