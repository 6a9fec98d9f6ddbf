package io.skiff.controllers.runtime;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The API's timestamps ({@code metav1.Time}, RFC 3339), which fabric8 models as strings. An absent
 * or unreadable timestamp is Go's zero time, which controllers treat as "never".
 */
public final class Times {

  private Times() {}

  /** The instant of an RFC 3339 timestamp; null for a null, empty or malformed one. */
  public static Instant parse(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(timestamp, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code metav1.Time}'s wire form: UTC, whole seconds ({@code 2024-01-01T00:00:00Z}). */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
