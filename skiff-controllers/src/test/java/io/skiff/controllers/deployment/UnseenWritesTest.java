package io.skiff.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.runtime.ControllerExpectations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnseenWritesTest {

  private final ManualClock clock = new ManualClock();
  private final UnseenWrites writes = new UnseenWrites(clock);
  private final Map<String, ReplicaSet> cache = new HashMap<>();

  private static ReplicaSet set(String name, long resourceVersion) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withResourceVersion(String.valueOf(resourceVersion))
        .endMetadata()
        .build();
  }

  private boolean seen() {
    return writes.seen("default/web", name -> Optional.ofNullable(cache.get(name)));
  }

  @Test
  void nothingWrittenIsSeen() {
    assertThat(seen()).isTrue();
  }

  @Test
  void aWriteIsSeenOnceTheCacheHoldsThatVersionOrALaterOne() {
    writes.wrote("default/web", set("web-1", 10));
    writes.wrote("default/web", set("web-2", 12));
    assertThat(seen()).as("neither cached").isFalse();

    cache.put("web-1", set("web-1", 9));
    cache.put("web-2", set("web-2", 12));
    assertThat(seen()).as("web-1 cached at an older version").isFalse();

    cache.put("web-1", set("web-1", 11));
    assertThat(seen()).isTrue();
  }

  @Test
  void onlyTheOwnersWritesCount() {
    writes.wrote("default/other", set("other-1", 10));

    assertThat(seen()).isTrue();
  }

  @Test
  void aDeletionSeenByTheCacheCountsAsSeen() {
    writes.wrote("default/web", set("web-1", 10));

    writes.deleted("default/web", "web-1");

    assertThat(seen()).isTrue();
  }

  @Test
  void aWriteNeverSeenExpiresWithUpstreamsExpectationsTimeout() {
    writes.wrote("default/web", set("web-1", 10));

    clock.advance(ControllerExpectations.EXPECTATIONS_TIMEOUT);
    assertThat(seen()).isFalse();

    clock.advance(Duration.ofSeconds(1));
    assertThat(seen()).isTrue();
  }

  @Test
  void aForgottenOwnerHasNothingUnseen() {
    writes.wrote("default/web", set("web-1", 10));

    writes.forget("default/web");

    assertThat(seen()).isTrue();
  }
}
