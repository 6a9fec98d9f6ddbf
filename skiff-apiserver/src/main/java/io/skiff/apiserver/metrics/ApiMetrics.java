package io.skiff.apiserver.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.skiff.apiserver.cache.CacheStats;
import io.skiff.apiserver.cache.WatchCache;
import io.skiff.store.Store;
import io.skiff.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The API server's Prometheus metrics, named and labelled as upstream's (k8s.io/apiserver's
 * endpoints/metrics and storage/cacher/metrics), plus a few of Skiff's own under {@code skiff_}:
 *
 * <ul>
 *   <li>{@code apiserver_request_total} and {@code apiserver_request_duration_seconds} by verb
 *       (GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION), dry run, group,
 *       version, resource, subresource, scope and component (and code, for the count);
 *   <li>{@code apiserver_current_inflight_requests} by request kind (readOnly, mutating) and {@code
 *       apiserver_longrunning_requests} (watches);
 *   <li>the watch cache per resource: {@code watch_cache_capacity}, {@code
 *       apiserver_watch_cache_resource_version}, {@code
 *       apiserver_watch_cache_events_received_total}, {@code apiserver_terminated_watchers_total},
 *       and Skiff's {@code skiff_watch_cache_objects}, {@code skiff_watch_cache_watchers};
 *   <li>the store: {@code skiff_store_revision}, {@code skiff_store_compacted_revision}.
 * </ul>
 *
 * Durations come from the injected clock; gauges of the cache and store are read when scraped.
 */
public final class ApiMetrics {

  /** Prometheus' text format, version 0.0.4, which {@code /metrics} answers in. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final String COMPONENT = "apiserver";

  /** Upstream's buckets for request latencies, which its SLOs are read from. */
  private static final double[] LATENCY_BUCKETS = {
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30,
    45, 60
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Histogram latencies;
  private final Gauge longRunning;

  /**
   * @param readOnlyInFlight requests holding a read-only in-flight slot now
   * @param mutatingInFlight requests holding a mutating in-flight slot now
   */
  public ApiMetrics(
      Store store, WatchCache cache, IntSupplier readOnlyInFlight, IntSupplier mutatingInFlight) {
    PrometheusProperties config = PrometheusProperties.get();
    requests =
        Counter.builder(config)
            .name("apiserver_request_total")
            .help(
                "Counter of apiserver requests broken out for each verb, dry run value, group,"
                    + " version, resource, scope, component, and HTTP response code.")
            .labelNames(
                "verb",
                "dry_run",
                "group",
                "version",
                "resource",
                "subresource",
                "scope",
                "component",
                "code")
            .withoutExemplars()
            .register(registry);
    latencies =
        Histogram.builder(config)
            .name("apiserver_request_duration_seconds")
            .help(
                "Response latency distribution in seconds for each verb, dry run value, group,"
                    + " version, resource, subresource, scope and component.")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .labelNames(
                "verb",
                "dry_run",
                "group",
                "version",
                "resource",
                "subresource",
                "scope",
                "component")
            .withoutExemplars()
            .register(registry);
    longRunning =
        Gauge.builder(config)
            .name("apiserver_longrunning_requests")
            .help(
                "Gauge of all active long-running apiserver requests broken out by verb, group,"
                    + " version, resource, scope and component. Not all requests are tracked this"
                    + " way.")
            .labelNames("verb", "group", "version", "resource", "subresource", "scope", "component")
            .withoutExemplars()
            .register(registry);
    GaugeWithCallback.builder(config)
        .name("apiserver_current_inflight_requests")
        .help("Number of requests in flight of this apiserver per request kind.")
        .labelNames("request_kind")
        .callback(
            cb -> {
              cb.call(readOnlyInFlight.getAsInt(), "readOnly");
              cb.call(mutatingInFlight.getAsInt(), "mutating");
            })
        .register(registry);
    registerCache(config, cache);
    registerStore(config, store);
  }

  private void registerCache(PrometheusProperties config, WatchCache cache) {
    GaugeWithCallback.builder(config)
        .name("watch_cache_capacity")
        .help("Total capacity of watch cache broken by resource type.")
        .labelNames("group", "resource")
        .callback(
            cb -> {
              for (CacheStats s : cache.stats()) {
                cb.call(s.historyCapacity(), s.group(), s.resource());
              }
            })
        .register(registry);
    GaugeWithCallback.builder(config)
        .name("apiserver_watch_cache_resource_version")
        .help("Current resource version of watch cache broken by resource type.")
        .labelNames("group", "resource")
        .callback(
            cb -> {
              for (CacheStats s : cache.stats()) {
                cb.call(s.revision(), s.group(), s.resource());
              }
            })
        .register(registry);
    CounterWithCallback.builder(config)
        .name("apiserver_watch_cache_events_received_total")
        .help("Counter of events received in watch cache broken by resource type.")
        .labelNames("group", "resource")
        .callback(
            cb -> {
              for (CacheStats s : cache.stats()) {
                cb.call(s.eventsReceived(), s.group(), s.resource());
              }
            })
        .register(registry);
    CounterWithCallback.builder(config)
        .name("apiserver_terminated_watchers_total")
        .help("Counter of watchers closed due to unresponsiveness broken by resource type.")
        .labelNames("group", "resource")
        .callback(
            cb -> {
              for (CacheStats s : cache.stats()) {
                cb.call(s.terminatedWatchers(), s.group(), s.resource());
              }
            })
        .register(registry);
    GaugeWithCallback.builder(config)
        .name("skiff_watch_cache_objects")
        .help("Objects held in the watch cache, by resource.")
        .labelNames("group", "resource")
        .callback(
            cb -> {
              for (CacheStats s : cache.stats()) {
                cb.call(s.objects(), s.group(), s.resource());
              }
            })
        .register(registry);
    GaugeWithCallback.builder(config)
        .name("skiff_watch_cache_watchers")
        .help("Watches served from the watch cache now (HTTP and in-process), by resource.")
        .labelNames("group", "resource")
        .callback(
            cb -> {
              for (CacheStats s : cache.stats()) {
                cb.call(s.watchers(), s.group(), s.resource());
              }
            })
        .register(registry);
  }

  private void registerStore(PrometheusProperties config, Store store) {
    GaugeWithCallback.builder(config)
        .name("skiff_store_revision")
        .help("The store's current revision: the resourceVersion of its last write.")
        .callback(cb -> readStore(() -> cb.call(store.currentRevision())))
        .register(registry);
    GaugeWithCallback.builder(config)
        .name("skiff_store_compacted_revision")
        .help("The revision up to which the store has compacted its history.")
        .callback(cb -> readStore(() -> cb.call(store.compactedRevision())))
        .register(registry);
  }

  /** A closed or failing store has no figure to show; the scrape goes on without it. */
  private static void readStore(Runnable read) {
    try {
      read.run();
    } catch (StoreException e) {
      // Nothing to report.
    }
  }

  /** Counts a finished request and its latency. */
  public void requestDone(RequestLabels l, int code, Duration elapsed) {
    requests
        .labelValues(
            l.verb(),
            l.dryRun(),
            l.group(),
            l.version(),
            l.resource(),
            l.subresource(),
            l.scope(),
            COMPONENT,
            String.valueOf(code))
        .inc();
    latencies
        .labelValues(
            l.verb(),
            l.dryRun(),
            l.group(),
            l.version(),
            l.resource(),
            l.subresource(),
            l.scope(),
            COMPONENT)
        .observe(elapsed.toNanos() / 1e9);
  }

  /** Counts a long-running request (a watch) as active until the returned action runs. */
  public Runnable longRunning(RequestLabels l) {
    var gauge =
        longRunning.labelValues(
            l.verb(), l.group(), l.version(), l.resource(), l.subresource(), l.scope(), COMPONENT);
    gauge.inc();
    return gauge::dec;
  }

  /** Every metric, in Prometheus' text format. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
