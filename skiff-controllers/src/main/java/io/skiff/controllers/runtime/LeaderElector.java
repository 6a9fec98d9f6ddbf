package io.skiff.controllers.runtime;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.skiff.api.errors.StatusError;
import io.skiff.client.KubeClient;
import io.skiff.client.KubeObjects;
import io.skiff.client.Resources;
import io.skiff.clock.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * client-go's LeaderElector over a Lease lock. Candidates try to acquire the Lease every retry
 * period; the holder renews it every retry period and stops leading if it could not renew for the
 * renew deadline. A lease counts as held while its record has changed within the last {@code
 * leaseDurationSeconds} <em>as observed on this candidate's clock</em> (not by the timestamps in
 * it), so clock skew between machines does not matter. Every write is a compare-and-swap on the
 * Lease's resourceVersion, so two candidates never both win.
 *
 * <p>Runs on its own virtual thread between {@link #start} and {@link #stop}; {@link
 * Callbacks#onStartedLeading} runs on a thread of its own, so that a slow start does not hold up
 * renewals.
 */
public final class LeaderElector {

  private static final System.Logger log = System.getLogger(LeaderElector.class.getName());

  /** What happens on winning and losing. */
  public interface Callbacks {
    void onStartedLeading();

    /** The lease was lost (or {@link #stop} was called while leading). */
    void onStoppedLeading();
  }

  private final Resources<Lease> leases;
  private final Clock clock;
  private final LeaderElectionConfig config;
  private final Callbacks callbacks;

  // The last record seen and when (by our clock) it was first seen in that form.
  private Lease observed;
  private LeaseSpec observedSpec;
  private long observedAtNanos;
  private volatile boolean stopped;
  private volatile boolean leading;
  private Thread thread;

  public LeaderElector(
      KubeClient client, Clock clock, LeaderElectionConfig config, Callbacks callbacks) {
    this.leases = client.resources(Lease.class);
    this.clock = clock;
    this.config = config;
    this.callbacks = callbacks;
  }

  /** Whether this candidate holds the lease, as last observed. */
  public boolean isLeader() {
    return leading;
  }

  /** The identity of the holder as last observed; empty if none was seen. */
  public synchronized Optional<String> observedLeader() {
    return Optional.ofNullable(observedSpec).map(LeaseSpec::getHolderIdentity);
  }

  /** Starts campaigning on a new virtual thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = Thread.ofVirtual().name("skiff-leader-election-" + config.name()).start(this::run);
  }

  /**
   * Stops campaigning; a leader gives the lease up (clears the holder, so that another candidate
   * takes over at once) and gets {@link Callbacks#onStoppedLeading}.
   */
  public void stop() {
    Thread t;
    synchronized (this) {
      stopped = true;
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    // Whether this candidate got the lease at all: then, however the renewals end, it was leading
    // and must stop, even if its last attempt saw another holder (and cleared `leading`).
    boolean led = false;
    try {
      while (!stopped && !tryAcquireOrRenew()) {
        clock.sleep(config.retryPeriod());
      }
      if (stopped) {
        // Stopped while acquiring: nothing started, but a lease just taken is given back.
        if (leading) {
          release();
          leading = false;
        }
        return;
      }
      led = true;
      log.log(System.Logger.Level.INFO, "{0} became leader of {1}", config.identity(), leaseKey());
      Thread.ofVirtual()
          .name("skiff-leader-started-" + config.name())
          .start(callbacks::onStartedLeading);
      long lastRenewal = clock.nanoTime();
      while (!stopped) {
        clock.sleep(config.retryPeriod());
        if (tryAcquireOrRenew()) {
          lastRenewal = clock.nanoTime();
        } else if (clock.nanoTime() - lastRenewal >= config.renewDeadline().toNanos()) {
          log.log(System.Logger.Level.WARNING, "{0} lost {1}", config.identity(), leaseKey());
          break;
        }
      }
    } catch (InterruptedException e) {
      // stop() interrupts the sleep
    }
    if (led) {
      release();
      leading = false;
      callbacks.onStoppedLeading();
    }
  }

  /**
   * One attempt to acquire or renew the lease: client-go's {@code tryAcquireOrRenew}.
   *
   * @return whether this candidate holds the lease now
   */
  public synchronized boolean tryAcquireOrRenew() {
    Instant now = clock.now();
    Lease current;
    try {
      Optional<Lease> got = leases.get(config.namespace(), config.name());
      if (got.isEmpty()) {
        Lease created = leases.create(newLease(now));
        observe(created);
        leading = true;
        return true;
      }
      current = got.get();
    } catch (RuntimeException e) {
      // Expected now and then (two candidates creating it at once, a server restarting): one line.
      log.log(System.Logger.Level.INFO, "cannot get or create lease {0}: {1}", leaseKey(), e);
      // Not yet a lost lease: the renew deadline decides that.
      return false;
    }
    LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
    if (observedSpec == null || !sameRecord(observedSpec, spec)) {
      observe(current);
    } else {
      observed = current;
    }
    String holder = spec.getHolderIdentity();
    boolean iAmHolder = config.identity().equals(holder);
    if (holder != null && !holder.isEmpty() && !iAmHolder && leaseValid()) {
      leading = false;
      return false;
    }
    Lease update = KubeObjects.deepCopy(current);
    LeaseSpec next = update.getSpec() == null ? new LeaseSpec() : update.getSpec();
    next.setHolderIdentity(config.identity());
    next.setLeaseDurationSeconds((int) config.leaseDuration().toSeconds());
    next.setRenewTime(microTime(now));
    if (!iAmHolder) {
      next.setAcquireTime(microTime(now));
      int transitions = spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
      next.setLeaseTransitions(transitions + 1);
    }
    update.setSpec(next);
    try {
      observe(leases.update(update));
      leading = true;
      return true;
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.DEBUG, "cannot update lease {0}: {1}", leaseKey(), e);
      // Not yet a lost lease: the renew deadline decides that.
      return false;
    }
  }

  private boolean leaseValid() {
    int seconds =
        observedSpec.getLeaseDurationSeconds() == null ? 0 : observedSpec.getLeaseDurationSeconds();
    return clock.nanoTime() - observedAtNanos < seconds * 1_000_000_000L;
  }

  private void observe(Lease lease) {
    observed = lease;
    observedSpec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    observedAtNanos = clock.nanoTime();
  }

  private static boolean sameRecord(LeaseSpec a, LeaseSpec b) {
    return Objects.equals(a.getHolderIdentity(), b.getHolderIdentity())
        && Objects.equals(a.getLeaseDurationSeconds(), b.getLeaseDurationSeconds())
        && Objects.equals(a.getAcquireTime(), b.getAcquireTime())
        && Objects.equals(a.getRenewTime(), b.getRenewTime())
        && Objects.equals(a.getLeaseTransitions(), b.getLeaseTransitions());
  }

  /** Gives the lease up so that another candidate need not wait for it to expire. */
  private synchronized void release() {
    if (observed == null || !config.identity().equals(observedSpec.getHolderIdentity())) {
      return;
    }
    Lease update = KubeObjects.deepCopy(observed);
    LeaseSpec spec = update.getSpec();
    spec.setHolderIdentity(null);
    spec.setLeaseDurationSeconds(1);
    spec.setRenewTime(microTime(clock.now()));
    try {
      observe(leases.update(update));
    } catch (StatusError e) {
      log.log(System.Logger.Level.INFO, "cannot release lease {0}: {1}", leaseKey(), e);
    }
  }

  private Lease newLease(Instant now) {
    Lease lease = new Lease();
    lease.setMetadata(
        new ObjectMetaBuilder().withNamespace(config.namespace()).withName(config.name()).build());
    LeaseSpec spec = new LeaseSpec();
    spec.setHolderIdentity(config.identity());
    spec.setLeaseDurationSeconds((int) config.leaseDuration().toSeconds());
    spec.setAcquireTime(microTime(now));
    spec.setRenewTime(microTime(now));
    spec.setLeaseTransitions(0);
    lease.setSpec(spec);
    return lease;
  }

  /** {@code metav1.MicroTime}: microsecond precision. */
  private static ZonedDateTime microTime(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
  }

  private String leaseKey() {
    return config.namespace() + "/" + config.name();
  }
}
