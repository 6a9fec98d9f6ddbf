package io.skiff.controllers.garbagecollector;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Owners known not to exist, so that the dependents of a deleted owner need no lookup each
 * (upstream's ReferenceCache): the most recently used {@code capacity} identities.
 */
final class AbsentOwnerCache {

  private final Map<ObjectIdentity, Boolean> entries;

  AbsentOwnerCache(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ObjectIdentity, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void add(ObjectIdentity identity) {
    entries.put(identity, Boolean.TRUE);
  }

  synchronized boolean has(ObjectIdentity identity) {
    return entries.get(identity) != null;
  }
}
