package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.clock.ManualClock;
import io.skiff.controllers.testing.FakeKubeClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class LeaderElectorTest {

  private final ManualClock clock = new ManualClock();
  private final FakeKubeClient client = new FakeKubeClient(clock);

  private LeaderElector candidate(String identity, LeaderElector.Callbacks callbacks) {
    return new LeaderElector(client, clock, LeaderElectionConfig.defaults(identity), callbacks);
  }

  private static final LeaderElector.Callbacks NOTHING =
      new LeaderElector.Callbacks() {
        @Override
        public void onStartedLeading() {}

        @Override
        public void onStoppedLeading() {}
      };

  private Lease lease() {
    return client.stored(Lease.class, "kube-system", "kube-controller-manager").orElseThrow();
  }

  @Test
  void theFirstCandidateCreatesTheLeaseAndOthersWaitForItToExpire() {
    LeaderElector a = candidate("a", NOTHING);
    LeaderElector b = candidate("b", NOTHING);

    assertThat(a.tryAcquireOrRenew()).isTrue();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("a");
    assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(15);
    assertThat(lease().getSpec().getLeaseTransitions()).isZero();

    assertThat(b.tryAcquireOrRenew()).isFalse();
    assertThat(b.observedLeader()).contains("a");

    // a renews: b sees a changed record and starts its 15 s over.
    clock.advance(Duration.ofSeconds(10));
    assertThat(a.tryAcquireOrRenew()).isTrue();
    assertThat(b.tryAcquireOrRenew()).isFalse();
    clock.advance(Duration.ofSeconds(14));
    assertThat(b.tryAcquireOrRenew()).as("14 s since b saw the renewal").isFalse();

    // a stops renewing; 15 s after b last saw a change, b takes over.
    clock.advance(Duration.ofSeconds(1));
    assertThat(b.tryAcquireOrRenew()).isTrue();
    assertThat(b.isLeader()).isTrue();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("b");
    assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);

    assertThat(a.tryAcquireOrRenew()).as("a sees b's fresh record").isFalse();
    assertThat(a.isLeader()).isFalse();
  }

  @Test
  void defaultIdentitiesAreUniquePerProcessAndConfigsAreChecked() {
    String one = LeaderElectionConfig.defaultIdentity();
    assertThat(one).contains("_").isNotEqualTo(LeaderElectionConfig.defaultIdentity());
    assertThatThrownBy(
            () ->
                new LeaderElectionConfig(
                    "ns",
                    "l",
                    "me",
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(2)))
        .hasMessage("leaseDuration must be greater than renewDeadline");
  }

  @Test
  void aRenewalKeepsTheAcquireTimeAndTransitions() {
    LeaderElector a = candidate("a", NOTHING);
    a.tryAcquireOrRenew();
    var acquired = lease().getSpec().getAcquireTime();
    clock.advance(Duration.ofSeconds(2));
    assertThat(a.tryAcquireOrRenew()).isTrue();
    assertThat(lease().getSpec().getAcquireTime()).isEqualTo(acquired);
    assertThat(lease().getSpec().getRenewTime()).isAfter(acquired);
    assertThat(lease().getSpec().getLeaseTransitions()).isZero();
  }

  @Test
  void aLeaderThatStopsReleasesTheLeaseAndAnotherTakesOverAtOnce() {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger stopped = new AtomicInteger();
    LeaderElector a =
        candidate(
            "a",
            new LeaderElector.Callbacks() {
              @Override
              public void onStartedLeading() {
                started.incrementAndGet();
              }

              @Override
              public void onStoppedLeading() {
                stopped.incrementAndGet();
              }
            });
    a.start();
    Awaitility.await().until(() -> started.get() == 1);
    a.stop();
    assertThat(stopped).hasValue(1);
    assertThat(lease().getSpec().getHolderIdentity()).isNull();

    LeaderElector b = candidate("b", NOTHING);
    assertThat(b.tryAcquireOrRenew()).isTrue();
    assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  void aLeaderThatFindsAnotherHolderStopsLeadingByItsRenewDeadline() {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger stopped = new AtomicInteger();
    LeaderElector a =
        candidate(
            "a",
            new LeaderElector.Callbacks() {
              @Override
              public void onStartedLeading() {
                started.incrementAndGet();
              }

              @Override
              public void onStoppedLeading() {
                stopped.incrementAndGet();
              }
            });
    a.start();
    Awaitility.await().until(() -> started.get() == 1 && clock.pendingTimers() == 1);

    // While a was paused, b took the lease over (a's record expired on b's clock).
    Lease taken = lease();
    taken.getSpec().setHolderIdentity("b");
    taken.getSpec().setRenewTime(clock.now().atZone(java.time.ZoneOffset.UTC));
    client.resources(Lease.class).update(taken);

    // a's renewals fail from now on; it keeps its controllers until the 10 s renew deadline.
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(2));
      Awaitility.await().until(() -> clock.pendingTimers() == 1);
      assertThat(stopped).hasValue(0);
    }
    assertThat(a.isLeader()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    Awaitility.await().until(() -> stopped.get() == 1);
    assertThat(lease().getSpec().getHolderIdentity()).as("not released: b holds it").isEqualTo("b");
    a.stop();
    assertThat(stopped).hasValue(1);
  }
}
