package io.skiff.apiserver.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How the watch cache keeps history and serves watches. The defaults are upstream's: a window of
 * recent events that starts at 100 per resource and doubles up to 102,400 while the oldest event in
 * it is younger than 75 s; a bookmark about every minute; up to 3 s of waiting for the cache to
 * catch up with a resourceVersion; watches without {@code timeoutSeconds} end after a random time
 * between {@code --min-request-timeout} (1800 s) and twice that.
 *
 * @param minHistory events of history a resource keeps at least (upstream's lower bound, 100)
 * @param maxHistory events of history a resource keeps at most (upstream's upper bound, 102,400)
 * @param historyFreshness the history grows while its oldest event is younger than this (75 s)
 * @param watcherBuffer events one watcher may have queued and not yet sent; a watcher that falls
 *     further behind is ended, as upstream ends watchers that cannot keep up, and its client
 *     watches again from the last resourceVersion it saw
 * @param bookmarkInterval how often a watch that allows bookmarks gets one (1 min)
 * @param freshnessTimeout how long a read waits for the cache to reach the resourceVersion it needs
 *     before the API server falls back to the store or answers 504 (3 s)
 * @param minRequestTimeout the server's watch timeout is random in [this, 2 × this) when the client
 *     gives no {@code timeoutSeconds} (1800 s)
 */
public record WatchCacheConfig(
    int minHistory,
    int maxHistory,
    Duration historyFreshness,
    int watcherBuffer,
    Duration bookmarkInterval,
    Duration freshnessTimeout,
    Duration minRequestTimeout) {

  public WatchCacheConfig {
    if (minHistory < 1 || maxHistory < minHistory) {
      throw new IllegalArgumentException(
          "history bounds must satisfy 1 <= min <= max: " + minHistory + ", " + maxHistory);
    }
    if (watcherBuffer < 1) {
      throw new IllegalArgumentException("watcherBuffer must be positive: " + watcherBuffer);
    }
    Objects.requireNonNull(historyFreshness, "historyFreshness");
    requirePositive(bookmarkInterval, "bookmarkInterval");
    requirePositive(freshnessTimeout, "freshnessTimeout");
    requirePositive(minRequestTimeout, "minRequestTimeout");
  }

  /** Upstream's values. */
  public static WatchCacheConfig defaults() {
    return new WatchCacheConfig(
        100,
        100 * 1024,
        Duration.ofSeconds(75),
        1000,
        Duration.ofMinutes(1),
        Duration.ofSeconds(3),
        Duration.ofMinutes(30));
  }

  public WatchCacheConfig withHistory(int min, int max) {
    return new WatchCacheConfig(
        min,
        max,
        historyFreshness,
        watcherBuffer,
        bookmarkInterval,
        freshnessTimeout,
        minRequestTimeout);
  }

  public WatchCacheConfig withWatcherBuffer(int events) {
    return new WatchCacheConfig(
        minHistory,
        maxHistory,
        historyFreshness,
        events,
        bookmarkInterval,
        freshnessTimeout,
        minRequestTimeout);
  }

  public WatchCacheConfig withMinRequestTimeout(Duration timeout) {
    return new WatchCacheConfig(
        minHistory,
        maxHistory,
        historyFreshness,
        watcherBuffer,
        bookmarkInterval,
        freshnessTimeout,
        timeout);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
