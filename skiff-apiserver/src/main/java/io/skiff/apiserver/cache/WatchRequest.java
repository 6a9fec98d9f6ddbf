package io.skiff.apiserver.cache;

import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import java.time.Duration;

/**
 * What a watch asks for.
 *
 * @param namespace the namespace watched, or null for all
 * @param resourceVersion "" for the latest state first, "0" for any state first, else the revision
 *     to watch from
 * @param sendInitialEvents the watch-list protocol's flag; null when not given
 * @param allowBookmarks whether the client takes BOOKMARK events
 * @param timeout when the server ends the watch (cleanly)
 */
public record WatchRequest(
    String namespace,
    LabelSelector labels,
    FieldSelector fields,
    String resourceVersion,
    Boolean sendInitialEvents,
    boolean allowBookmarks,
    Duration timeout) {}
