package io.skiff.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.skiff.api.validation.Quantities;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An amount of each resource the scheduler accounts: upstream's {@code framework.Resource}. CPU is
 * in millicores, everything else in its unit (bytes, pods, devices), rounded up as upstream's
 * {@code Quantity.MilliValue()} and {@code Value()} round.
 *
 * @param milliCpu {@code cpu}, in millicores
 * @param memory {@code memory}, in bytes
 * @param ephemeralStorage {@code ephemeral-storage}, in bytes
 * @param allowedPods {@code pods}: how many pods a node takes (only meaningful for allocatable)
 * @param scalars extended resources, hugepages and other scalar resources, by name
 */
public record Resource(
    long milliCpu,
    long memory,
    long ephemeralStorage,
    long allowedPods,
    Map<String, Long> scalars) {

  public static final Resource ZERO = new Resource(0, 0, 0, 0, Map.of());

  /** The request of a container that sets none for CPU, when the score needs a non-zero one. */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** The request of a container that sets none for memory (200 MiB), for scoring. */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  private static final int SCALED_CACHE_SIZE = 4096;

  /** Parsed quantities by their text: pods repeat a handful, and parsing is not cheap. */
  private static final Map<String, Long> SCALED = new ConcurrentHashMap<>();

  public Resource {
    scalars = Map.copyOf(scalars);
  }

  /**
   * A node's {@code status.allocatable} (or any resource list) as counted by the scheduler. Unknown
   * resource names that are not scalar resources are left out, as upstream leaves them.
   */
  public static Resource of(Map<String, Quantity> list) {
    Builder b = new Builder();
    if (list != null) {
      list.forEach(b::add);
    }
    return b.build();
  }

  /**
   * What the pod requests: the sum of its containers, or more if an init container (plus the
   * sidecars started before it) needs more, plus {@code spec.overhead}, as upstream's {@code
   * resourcehelper.PodRequests}.
   *
   * @param nonZeroDefaults whether containers that request no CPU or memory count as requesting
   *     {@link #DEFAULT_MILLI_CPU_REQUEST} and {@link #DEFAULT_MEMORY_REQUEST}, as the scores do so
   *     that pods without requests still spread
   */
  public static Resource podRequests(Pod pod, boolean nonZeroDefaults) {
    PodSpec spec = pod.getSpec();
    Builder reqs = new Builder();
    if (spec == null) {
      return reqs.build();
    }
    for (Container c : nullToEmpty(spec.getContainers())) {
      requestsOf(c, nonZeroDefaults).forEach(reqs::add);
    }
    Builder sidecars = new Builder();
    Builder initMax = new Builder();
    for (Container c : nullToEmpty(spec.getInitContainers())) {
      Map<String, Quantity> containerReqs = requestsOf(c, nonZeroDefaults);
      Builder use = new Builder();
      if ("Always".equals(c.getRestartPolicy())) {
        // A sidecar keeps running beside the main containers and every later init container.
        containerReqs.forEach(reqs::add);
        containerReqs.forEach(sidecars::add);
        use.addAll(sidecars);
      } else {
        containerReqs.forEach(use::add);
        use.addAll(sidecars);
      }
      initMax.maxWith(use);
    }
    reqs.maxWith(initMax);
    if (spec.getOverhead() != null) {
      spec.getOverhead().forEach(reqs::add);
    }
    return reqs.build();
  }

  private static Map<String, Quantity> requestsOf(Container c, boolean nonZeroDefaults) {
    ResourceRequirements r = c.getResources();
    Map<String, Quantity> requests =
        r == null || r.getRequests() == null ? Map.of() : r.getRequests();
    if (!nonZeroDefaults) {
      return requests;
    }
    Map<String, Quantity> out = new HashMap<>(requests);
    out.putIfAbsent("cpu", new Quantity(DEFAULT_MILLI_CPU_REQUEST + "m"));
    out.putIfAbsent("memory", new Quantity(String.valueOf(DEFAULT_MEMORY_REQUEST)));
    return out;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Whether nothing is requested (a best-effort pod's requests). */
  public boolean isZero() {
    return milliCpu == 0 && memory == 0 && ephemeralStorage == 0 && scalars.isEmpty();
  }

  /** The amount of {@code name} ({@code cpu} in millicores); 0 when absent. */
  public long get(String name) {
    return switch (name) {
      case "cpu" -> milliCpu;
      case "memory" -> memory;
      case "ephemeral-storage" -> ephemeralStorage;
      case "pods" -> allowedPods;
      default -> scalars.getOrDefault(name, 0L);
    };
  }

  /**
   * Whether upstream's scheduler counts a resource of this name beside cpu, memory,
   * ephemeral-storage and pods: extended resources ({@code example.com/gpu}), {@code
   * kubernetes.io/}-prefixed ones, hugepages and attachable volumes.
   */
  static boolean isScalarResourceName(String name) {
    return name.startsWith("hugepages-")
        || name.startsWith("attachable-volumes-")
        || (name.contains("/") && !name.startsWith("requests."));
  }

  /** The quantity in millis (for cpu) or units, rounded up; 0 when it does not parse. */
  static long scaled(String name, Quantity q) {
    boolean milli = "cpu".equals(name);
    String text =
        (milli ? "m:" : "u:") + q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
    Long cached = SCALED.get(text);
    if (cached != null) {
      return cached;
    }
    long v =
        Quantities.parse(q)
            .map(
                p ->
                    (milli ? p.value().movePointRight(3) : p.value())
                        .setScale(0, RoundingMode.CEILING)
                        .longValue())
            .orElse(0L);
    if (SCALED.size() >= SCALED_CACHE_SIZE) {
      SCALED.clear();
    }
    SCALED.put(text, v);
    return v;
  }

  /** Accumulates resources: sums, maxima, and the counts a node keeps. */
  public static final class Builder {
    private long milliCpu;
    private long memory;
    private long ephemeralStorage;
    private long allowedPods;
    private final Map<String, Long> scalars = new HashMap<>();

    public Builder add(String name, Quantity q) {
      addValue(name, scaled(name, q));
      return this;
    }

    private void addValue(String name, long v) {
      switch (name) {
        case "cpu" -> milliCpu += v;
        case "memory" -> memory += v;
        case "ephemeral-storage" -> ephemeralStorage += v;
        case "pods" -> allowedPods += v;
        default -> {
          if (isScalarResourceName(name)) {
            scalars.merge(name, v, Long::sum);
          }
        }
      }
    }

    public Builder add(Resource r) {
      milliCpu += r.milliCpu;
      memory += r.memory;
      ephemeralStorage += r.ephemeralStorage;
      allowedPods += r.allowedPods;
      r.scalars.forEach((k, v) -> scalars.merge(k, v, Long::sum));
      return this;
    }

    public Builder subtract(Resource r) {
      milliCpu -= r.milliCpu;
      memory -= r.memory;
      ephemeralStorage -= r.ephemeralStorage;
      allowedPods -= r.allowedPods;
      r.scalars.forEach(
          (k, v) -> {
            long left = scalars.getOrDefault(k, 0L) - v;
            if (left == 0) {
              scalars.remove(k);
            } else {
              scalars.put(k, left);
            }
          });
      return this;
    }

    private void addAll(Builder other) {
      milliCpu += other.milliCpu;
      memory += other.memory;
      ephemeralStorage += other.ephemeralStorage;
      allowedPods += other.allowedPods;
      other.scalars.forEach((k, v) -> scalars.merge(k, v, Long::sum));
    }

    private void maxWith(Builder other) {
      milliCpu = Math.max(milliCpu, other.milliCpu);
      memory = Math.max(memory, other.memory);
      ephemeralStorage = Math.max(ephemeralStorage, other.ephemeralStorage);
      allowedPods = Math.max(allowedPods, other.allowedPods);
      other.scalars.forEach((k, v) -> scalars.merge(k, v, Math::max));
    }

    public Resource build() {
      return new Resource(milliCpu, memory, ephemeralStorage, allowedPods, scalars);
    }
  }
}
