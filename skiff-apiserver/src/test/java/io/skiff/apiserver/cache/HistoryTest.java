package io.skiff.apiserver.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window of recent events: what it keeps, and how it grows and shrinks with their age. */
class HistoryTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration FRESH = Duration.ofSeconds(75);

  private static CacheEvent event(long revision, Instant at) {
    return new CacheEvent("/k" + revision, revision, null, null, at);
  }

  private static List<Long> revisions(List<CacheEvent> events) {
    return events.stream().map(CacheEvent::revision).toList();
  }

  @Test
  void sinceReturnsTheEventsAfterARevisionEvenBetweenEvents() {
    History h = new History(10, 10, FRESH);
    for (long rv : new long[] {5, 9, 12, 20}) {
      h.add(event(rv, T0));
    }
    assertThat(revisions(h.since(0))).containsExactly(5L, 9L, 12L, 20L);
    assertThat(revisions(h.since(9))).containsExactly(12L, 20L);
    // Revisions between this resource's events belong to other resources.
    assertThat(revisions(h.since(10))).containsExactly(12L, 20L);
    assertThat(h.since(20)).isEmpty();
    assertThat(h.dropped()).isFalse();
  }

  @Test
  void aFullWindowOfOldEventsDropsTheOldestAndRemembersIt() {
    History h = new History(3, 3, FRESH);
    for (long rv = 1; rv <= 5; rv++) {
      h.add(event(rv * 10, T0.plusSeconds(rv * 100)));
    }
    assertThat(revisions(h.since(0))).containsExactly(30L, 40L, 50L);
    assertThat(h.dropped()).isTrue();
    assertThat(h.lastDroppedRevision()).isEqualTo(20);
  }

  @Test
  void aFullWindowOfFreshEventsDoublesUpToTheUpperBound() {
    History h = new History(2, 8, FRESH);
    for (long rv = 1; rv <= 20; rv++) {
      h.add(event(rv, T0.plusSeconds(rv)));
    }
    assertThat(h.capacity()).isEqualTo(8);
    assertThat(h.size()).isEqualTo(8);
    assertThat(revisions(h.since(0))).containsExactly(13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
    assertThat(h.lastDroppedRevision()).isEqualTo(12);
  }

  @Test
  void aWindowWhoseNewestQuarterIsStaleHalvesDownToTheLowerBound() {
    History h = new History(2, 8, FRESH);
    for (long rv = 1; rv <= 8; rv++) {
      h.add(event(rv, T0));
    }
    assertThat(h.capacity()).isEqualTo(8);
    // Ten minutes later even the newest quarter is older than the freshness window.
    h.add(event(9, T0.plusSeconds(600)));
    assertThat(h.capacity()).isEqualTo(4);
    assertThat(revisions(h.since(0))).containsExactly(6L, 7L, 8L, 9L);
    assertThat(h.lastDroppedRevision()).isEqualTo(5);
  }
}
