package io.skiff.controllers.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Leader election over a {@code coordination.k8s.io/v1} Lease, as kube-controller-manager's {@code
 * --leader-elect-*} flags set it.
 *
 * @param namespace the Lease's namespace
 * @param name the Lease's name
 * @param identity this candidate's identity, unique among candidates (upstream: {@code
 *     <hostname>_<uuid>})
 * @param leaseDuration how long a lease not renewed stays another candidate's
 * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod how often candidates try to acquire and the leader renews
 */
public record LeaderElectionConfig(
    String namespace,
    String name,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public LeaderElectionConfig {
    Objects.requireNonNull(identity, "identity");
    if (identity.isEmpty()) {
      throw new IllegalArgumentException("leader election requires an identity");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("leaseDuration must be greater than renewDeadline");
    }
    if (renewDeadline.compareTo(retryPeriod) <= 0) {
      throw new IllegalArgumentException("renewDeadline must be greater than retryPeriod");
    }
  }

  /**
   * A candidate identity as kube-controller-manager makes one: {@code <hostname>_<random uuid>}, so
   * that two processes on one host (or one restarted) are different candidates.
   */
  public static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    return host + "_" + UUID.randomUUID();
  }

  /**
   * kube-controller-manager's defaults: Lease {@code kube-system/kube-controller-manager}, 15 s
   * lease, 10 s renew deadline, 2 s retry period.
   */
  public static LeaderElectionConfig defaults(String identity) {
    return new LeaderElectionConfig(
        "kube-system",
        "kube-controller-manager",
        identity,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }
}
