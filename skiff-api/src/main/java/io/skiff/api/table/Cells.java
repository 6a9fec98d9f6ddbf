package io.skiff.api.table;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.skiff.api.selector.LabelSelector;
import io.skiff.api.selector.SelectorException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Cell renderings shared by the printers, each as upstream's printers render them. */
final class Cells {

  static final String NONE = "<none>";
  static final String UNSET = "<unset>";
  static final String UNKNOWN = "<unknown>";

  // Go's zero time.Time, which a metav1.Time of "0001-01-01T00:00:00Z" decodes to.
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private Cells() {}

  /** Upstream's {@code translateTimestampSince}: {@code <unknown>} for an unset timestamp. */
  static String since(String timestamp, Instant now) {
    return since(time(timestamp), now);
  }

  static String since(Instant t, Instant now) {
    return t == null ? UNKNOWN : HumanDuration.format(Duration.between(t, now));
  }

  static String age(HasMetadata object, Instant now) {
    return since(meta(object).getCreationTimestamp(), now);
  }

  /** An RFC 3339 timestamp (micro or second precision); null when unset, zero or unreadable. */
  static Instant time(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      Instant t = OffsetDateTime.parse(timestamp).toInstant();
      return t.equals(GO_ZERO_TIME) ? null : t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static ObjectMeta meta(HasMetadata object) {
    return or(object.getMetadata(), ObjectMeta::new);
  }

  static String name(HasMetadata object) {
    return str(meta(object).getName());
  }

  /** Container names and images, each joined by commas: the CONTAINERS and IMAGES cells. */
  record Containers(String names, String images) {}

  static Containers containers(List<Container> containers) {
    List<Container> list = list(containers);
    return new Containers(
        list.stream().map(c -> str(c.getName())).collect(Collectors.joining(",")),
        list.stream().map(c -> str(c.getImage())).collect(Collectors.joining(",")));
  }

  static Containers containers(PodTemplateSpec template) {
    PodSpec spec = template == null ? null : template.getSpec();
    return containers(spec == null ? null : spec.getContainers());
  }

  /** Upstream's {@code labels.FormatLabels}: sorted {@code k=v} pairs, {@code <none>} if none. */
  static String labels(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return NONE;
    }
    return new TreeMap<>(labels)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  /** Upstream's {@code metav1.FormatLabelSelector}: {@code <none>} if empty or null. */
  static String selector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
    try {
      LabelSelector parsed = LabelSelector.of(selector);
      String s = parsed == null ? "" : parsed.toString();
      return s.isEmpty() ? NONE : s;
    } catch (SelectorException e) {
      return "<error>";
    }
  }

  static String orNone(String s) {
    return s == null || s.isEmpty() ? NONE : s;
  }

  static String str(String s) {
    return s == null ? "" : s;
  }

  static long num(Integer n) {
    return n == null ? 0 : n;
  }

  static long num(Long n) {
    return n == null ? 0 : n;
  }

  static boolean isTrue(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  static <K, V> Map<K, V> map(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  static <T> T or(T value, Supplier<T> otherwise) {
    return value != null ? value : otherwise.get();
  }
}
