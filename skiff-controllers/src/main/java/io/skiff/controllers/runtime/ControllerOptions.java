package io.skiff.controllers.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of the controllers a manager runs: kube-controller-manager's {@code
 * --concurrent-*-syncs} flags and friends.
 *
 * @param workers workers per controller name, over {@link #DEFAULT_WORKERS}
 * @param defaultWorkers workers of a controller named in neither map
 * @param cacheSyncTimeout how long {@link ControllerManager#start} waits for the informers' first
 *     lists
 * @param resyncPeriod how often informers hand every cached object to the handlers again; upstream
 *     picks 12–24 h at random
 */
public record ControllerOptions(
    Map<String, Integer> workers,
    int defaultWorkers,
    Duration cacheSyncTimeout,
    Duration resyncPeriod) {

  /** kube-controller-manager's defaults of {@code --concurrent-<name>-syncs}. */
  public static final Map<String, Integer> DEFAULT_WORKERS =
      Map.ofEntries(
          Map.entry("deployment", 5),
          Map.entry("replicaset", 5),
          Map.entry("replicationcontroller", 5),
          Map.entry("statefulset", 5),
          Map.entry("daemonset", 2),
          Map.entry("job", 5),
          Map.entry("cronjob", 5),
          Map.entry("garbagecollector", 20),
          Map.entry("namespace", 10),
          Map.entry("ttl-after-finished", 5),
          Map.entry("endpoint", 5),
          Map.entry("endpointslice", 5),
          Map.entry("serviceaccount", 5));

  public ControllerOptions {
    workers = Map.copyOf(workers);
    if (defaultWorkers < 1) {
      throw new IllegalArgumentException("defaultWorkers must be positive: " + defaultWorkers);
    }
  }

  /** Upstream's defaults; informers resync every 12 hours. */
  public static ControllerOptions defaults() {
    return new ControllerOptions(Map.of(), 5, Duration.ofMinutes(2), Duration.ofHours(12));
  }

  /** The workers of controller {@code name}. */
  public int workersFor(String name) {
    Integer n = workers.get(name);
    if (n == null) {
      n = DEFAULT_WORKERS.get(name);
    }
    return n == null ? defaultWorkers : n;
  }

  /** These options with {@code count} workers for controller {@code name}. */
  public ControllerOptions withWorkers(String name, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("workers must be positive: " + count);
    }
    Map<String, Integer> w = new HashMap<>(workers);
    w.put(name, count);
    return new ControllerOptions(w, defaultWorkers, cacheSyncTimeout, resyncPeriod);
  }

  public ControllerOptions withCacheSyncTimeout(Duration timeout) {
    return new ControllerOptions(workers, defaultWorkers, timeout, resyncPeriod);
  }

  public ControllerOptions withResyncPeriod(Duration period) {
    return new ControllerOptions(workers, defaultWorkers, cacheSyncTimeout, period);
  }
}
