package io.skiff.client.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.client.KubeClient;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@link SharedInformer} per kind for every control loop of a process, so that each kind is
 * listed and watched once however many controllers read it: client-go's SharedInformerFactory.
 *
 * <pre>{@code
 * SharedInformerFactory informers = new SharedInformerFactory(client, clock, Duration.ofMinutes(10));
 * SharedInformer<Pod> pods = informers.informerFor(Pod.class);
 * pods.addEventHandler(handler);
 * informers.start();
 * if (!informers.waitForCacheSync(Duration.ofSeconds(30))) { ... }
 * }</pre>
 */
public final class SharedInformerFactory {

  private final KubeClient client;
  private final Clock clock;
  private final Duration defaultResync;
  private final String namespace;
  private final Map<Class<?>, SharedInformer<?>> informers = new LinkedHashMap<>();
  private boolean stopped;

  /** Informers of all namespaces. */
  public SharedInformerFactory(KubeClient client, Clock clock, Duration defaultResync) {
    this(client, clock, defaultResync, null);
  }

  /**
   * @param defaultResync every informer's resync period; zero for none
   * @param namespace the only namespace to cache; null for all
   */
  public SharedInformerFactory(
      KubeClient client, Clock clock, Duration defaultResync, String namespace) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.defaultResync = defaultResync == null ? Duration.ZERO : defaultResync;
    this.namespace = namespace;
  }

  /** The informer of {@code kind}, made on first request; started by {@link #start()}. */
  public synchronized <T extends HasMetadata> SharedInformer<T> informerFor(Class<T> kind) {
    @SuppressWarnings("unchecked")
    SharedInformer<T> informer =
        (SharedInformer<T>)
            informers.computeIfAbsent(
                kind,
                k ->
                    new SharedInformer<>(
                        client.resources(kind), namespace, null, clock, defaultResync));
    return informer;
  }

  /** The lister of {@code kind}'s informer. */
  public <T extends HasMetadata> Lister<T> lister(Class<T> kind) {
    return informerFor(kind).lister();
  }

  /** Starts every informer not started yet; call again after asking for more informers. */
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("stopped");
    }
    informers.values().forEach(SharedInformer::start);
  }

  /**
   * Waits until every started informer's cache holds its first list, or until {@code timeout} has
   * passed on the clock.
   *
   * @return whether all are synced
   */
  public boolean waitForCacheSync(Duration timeout) throws InterruptedException {
    List<SharedInformer<?>> started = new ArrayList<>();
    synchronized (this) {
      for (SharedInformer<?> i : informers.values()) {
        if (i.isStarted()) {
          started.add(i);
        }
      }
    }
    return SharedInformer.waitForSync(clock, timeout, started);
  }

  /** Stops every informer. */
  public void stop() {
    List<SharedInformer<?>> all;
    synchronized (this) {
      stopped = true;
      all = new ArrayList<>(informers.values());
    }
    all.forEach(SharedInformer::stop);
  }
}
