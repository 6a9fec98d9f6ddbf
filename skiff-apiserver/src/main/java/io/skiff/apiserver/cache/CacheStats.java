package io.skiff.apiserver.cache;

/**
 * What one resource's cache holds, for {@code /metrics} and tests.
 *
 * @param objects objects in the cache
 * @param historySize events in the window watches resume from
 * @param historyCapacity how many events the window holds at most now
 * @param watchers watches the cache feeds now
 * @param revision the revision the cache is current at
 * @param eventsReceived events of this resource the cache has taken from the store
 * @param terminatedWatchers watchers ended because they could not keep up
 */
public record CacheStats(
    String group,
    String resource,
    int objects,
    int historySize,
    int historyCapacity,
    int watchers,
    long revision,
    long eventsReceived,
    long terminatedWatchers) {}
