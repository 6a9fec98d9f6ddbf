package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.client.KubeClient;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.testing.FakeKubeClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The manager over per-controller clients and under leader election, on a manual clock. */
class ControllerManagerTest {

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient api = new FakeKubeClient(clock);
  private final List<ControllerManager> managers = new ArrayList<>();

  @AfterEach
  void closeManagers() {
    managers.forEach(ControllerManager::close);
  }

  /** A controller that only records whether it runs, and over which client it was made. */
  private static final class Probe implements Controller {
    final String name;
    final KubeClient client;
    volatile boolean running;
    volatile boolean shutDown;

    Probe(String name, ControllerContext ctx) {
      this.name = name;
      this.client = ctx.client();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void run(int workers) {
      running = true;
    }

    @Override
    public void shutDown() {
      running = false;
      shutDown = true;
    }
  }

  /** A manager of one probe controller, with counters of its election callbacks. */
  private final class Candidate {
    final ControllerManager manager;
    final AtomicInteger elected = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    volatile Probe probe;

    Candidate(String identity) {
      manager = new ControllerManager(ControllerContext.of(api, clock));
      managers.add(manager);
      manager.register("probe", ctx -> probe = new Probe("probe", ctx));
      manager.startWithLeaderElection(
          LeaderElectionConfig.defaults(identity), elected::incrementAndGet, lost::incrementAndGet);
    }

    boolean running() {
      Probe p = probe;
      return p != null && p.running;
    }
  }

  private Lease lease() {
    return api.stored(Lease.class, "kube-system", "kube-controller-manager").orElseThrow();
  }

  /** Moves time on in one-second steps until {@code condition} holds. */
  private void driveClockUntil(Callable<Boolean> condition) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              if (condition.call()) {
                return true;
              }
              clock.advance(Duration.ofSeconds(1));
              return false;
            });
  }

  @Test
  void eachControllerIsMadeOverItsOwnClientAndTheElectionOverAnother() {
    Map<String, FakeKubeClient> clients = new ConcurrentHashMap<>();
    ControllerContext ctx =
        ControllerContext.builder(api, clock)
            .clients(name -> clients.computeIfAbsent(name, n -> new FakeKubeClient(clock)))
            .build();
    ControllerManager manager = new ControllerManager(ctx);
    managers.add(manager);
    List<Probe> probes = new CopyOnWriteArrayList<>();
    manager.register("a", c -> add(probes, new Probe("a", c)));
    manager.register("b", c -> add(probes, new Probe("b", c)));
    AtomicInteger elected = new AtomicInteger();
    manager.startWithLeaderElection(
        LeaderElectionConfig.defaults("me"), elected::incrementAndGet, () -> {});

    await().until(() -> probes.size() == 2 && probes.stream().allMatch(p -> p.running));
    assertThat(elected).hasValue(1);
    assertThat(probes)
        .extracting(p -> p.client)
        .containsExactly(clients.get("a"), clients.get("b"));
    assertThat(
            clients
                .get("leader-election")
                .stored(Lease.class, "kube-system", "kube-controller-manager"))
        .as("the lease is written through the leader-election client")
        .isPresent();
    assertThat(api.actions()).as("the shared client is only the informers'").isEmpty();
  }

  private static Probe add(List<Probe> probes, Probe p) {
    probes.add(p);
    return p;
  }

  @Test
  void withoutClientsPerControllerEveryControllerSharesTheContextsClient() {
    ControllerContext ctx = ControllerContext.of(api, clock);
    assertThat(ctx.forController("a")).isSameAs(ctx);
    assertThat(ctx.client("leader-election")).isSameAs(api);
  }

  @Test
  void onlyTheLeaderRunsItsControllersAndALeaderThatLosesTheLeaseStopsThemOnce() {
    Candidate a = new Candidate("a");
    await().until(a::running);
    assertThat(a.elected).hasValue(1);

    Candidate b = new Candidate("b");
    await().until(() -> !api.actions("get", "leases").isEmpty() && clock.pendingTimers() >= 2);
    assertThat(b.elected).hasValue(0);
    assertThat(b.probe).as("controllers are made only once elected").isNull();

    // While a could not renew (a long pause, a partition), "c" took the lease over.
    Lease taken = lease();
    taken.getSpec().setHolderIdentity("c");
    taken.getSpec().setRenewTime(clock.now().atZone(ZoneOffset.UTC));
    api.resources(Lease.class).update(taken);

    driveClockUntil(() -> a.lost.get() == 1);
    assertThat(a.probe.shutDown).isTrue();
    assertThat(a.running()).isFalse();
    assertThat(lease().getSpec().getHolderIdentity())
        .as("a gives up no lease it does not hold")
        .isIn("c", "b");

    // c never renews: 15 s after b saw its record, b takes over.
    driveClockUntil(b::running);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("b");
    assertThat(a.lost).hasValue(1);
    assertThat(a.elected).hasValue(1);

    // Stopping is not losing: the lease is released, onLost is not called.
    b.manager.close();
    assertThat(b.lost).hasValue(0);
    assertThat(b.probe.shutDown).isTrue();
    assertThat(lease().getSpec().getHolderIdentity()).isNull();
  }
}
