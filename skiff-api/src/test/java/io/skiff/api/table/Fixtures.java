package io.skiff.api.table;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;

/** The fixed clock reading and object metadata the printer tests share. */
final class Fixtures {

  static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private Fixtures() {}

  /** The RFC 3339 timestamp {@code d} before {@link #NOW}. */
  static String ago(Duration d) {
    return NOW.minus(d).toString();
  }

  static String minutesAgo(long minutes) {
    return ago(Duration.ofMinutes(minutes));
  }

  /** Metadata of an object in namespace default, created five minutes ago. */
  static ObjectMeta meta(String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace("default")
        .withCreationTimestamp(minutesAgo(5))
        .build();
  }
}
