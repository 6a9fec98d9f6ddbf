package io.skiff.client.transport;

import static io.skiff.client.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.skiff.client.Fixtures;
import io.skiff.client.Fixtures.RecordingWatcher;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.Resources;
import io.skiff.client.Watch;
import io.skiff.clock.ManualClock;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client-side token bucket, on a manual clock over a transport that records what it sent. */
class RateLimitedTransportTest {

  private final ManualClock clock = new ManualClock();
  private final RecordingTransport server = new RecordingTransport();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private Resources<ConfigMap> limited(double qps, int burst) {
    return KubeClient.over(new RateLimitedTransport(server.transport, clock, qps, burst))
        .resources(ConfigMap.class);
  }

  /** Starts a get on its own thread and returns once it waits on the clock for its token. */
  private CompletableFuture<Object> blockedGet(Resources<ConfigMap> configMaps, int timers) {
    CompletableFuture<Object> f =
        CompletableFuture.supplyAsync(() -> configMaps.get("ns", "a"), threads);
    eventually().until(() -> clock.pendingTimers() == timers);
    assertThat(f).isNotDone();
    return f;
  }

  @Test
  void aBurstGoesOutAtOnceThenOneRequestPerTokenAtTheRate() {
    Resources<ConfigMap> configMaps = limited(5, 3);
    for (int i = 0; i < 3; i++) {
      configMaps.get("ns", "a");
    }
    assertThat(server.calls).hasSize(3);
    assertThat(clock.pendingTimers()).isZero();

    CompletableFuture<Object> fourth = blockedGet(configMaps, 1);
    assertThat(clock.nextTimerIn()).isEqualTo(Duration.ofMillis(200));
    // The fifth reserves the token after the fourth's: 1/qps later still.
    CompletableFuture<Object> fifth = blockedGet(configMaps, 2);
    assertThat(clock.pendingDelays())
        .containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));

    clock.advance(Duration.ofMillis(199));
    assertThat(fourth).isNotDone();
    clock.advance(Duration.ofMillis(1));
    eventually().until(fourth::isDone);
    assertThat(fifth).isNotDone();
    assertThat(server.calls).hasSize(4);

    clock.advance(Duration.ofMillis(200));
    eventually().until(fifth::isDone);
    assertThat(server.calls).hasSize(5);
  }

  @Test
  void anIdleClientSavesUpToItsBurstAndNoMore() {
    Resources<ConfigMap> configMaps = limited(1, 2);
    configMaps.get("ns", "a");
    configMaps.get("ns", "a");

    clock.advance(Duration.ofMinutes(10));
    configMaps.get("ns", "a");
    configMaps.get("ns", "a");
    assertThat(server.calls).hasSize(4);

    CompletableFuture<Object> fifth = blockedGet(configMaps, 1);
    assertThat(clock.nextTimerIn()).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    eventually().until(fifth::isDone);
  }

  @Test
  void writesAndWatchesTakeTokensToo() {
    Resources<ConfigMap> configMaps = limited(1, 3);
    configMaps.create(Fixtures.configMap("ns", "a"));
    configMaps.delete("ns", "a", null);
    try (Watch w = configMaps.watch("ns", ListOptions.all(), 1, new RecordingWatcher<>())) {
      assertThat(server.verbs()).containsExactly("create", "delete", "watch");
      blockedGet(configMaps, 1);
      assertThat(clock.nextTimerIn()).isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void eachLimitedClientHasItsOwnBucketOverTheSharedTransport() {
    RateLimitedTransport one = new RateLimitedTransport(server.transport, clock, 1, 1);
    Resources<ConfigMap> a = KubeClient.over(one).resources(ConfigMap.class);
    Resources<ConfigMap> b = limited(1, 1);
    a.get("ns", "a");
    b.get("ns", "a");
    assertThat(server.calls).hasSize(2);
    blockedGet(a, 1);

    one.close();
    assertThat(server.verbs()).as("the shared transport stays open").doesNotContain("close");
  }

  @Test
  void everyCallTakesOneTokenAndClosingNone() {
    List<Method> methods = Arrays.asList(Transport.class.getMethods());
    int requests = (int) methods.stream().filter(m -> !m.getName().equals("close")).count();
    RateLimitedTransport limited = new RateLimitedTransport(server.transport, clock, 1, requests);
    CompletableFuture<Void> all =
        CompletableFuture.runAsync(
            () -> {
              for (Method m : methods) {
                try {
                  m.invoke(limited, RecordingTransport.sampleArguments(m));
                } catch (ReflectiveOperationException e) {
                  throw new AssertionError(m.getName(), e);
                }
              }
            },
            threads);
    eventually().until(all::isDone);
    all.join();
    assertThat(server.calls).hasSize(requests);
    // The burst is spent exactly: the next request waits.
    blockedGet(KubeClient.over(limited).resources(ConfigMap.class), 1);
  }

  @Test
  void aLimitNeedsAPositiveRateAndABurst() {
    assertThatThrownBy(() -> new RateLimitedTransport(server.transport, clock, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("qps must be positive");
    assertThatThrownBy(() -> new RateLimitedTransport(server.transport, clock, 5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
