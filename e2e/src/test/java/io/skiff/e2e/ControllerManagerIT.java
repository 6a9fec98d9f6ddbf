package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controllers out of process: {@code skiff up --disable-controller-manager} keeps the scheduler
 * and nodes, and two {@code skiff controller-manager} processes campaign for the {@code
 * kube-system/kube-controller-manager} Lease over HTTPS. One leads and reconciles; when it dies the
 * other takes the lease over and goes on. Short leader-election flags keep the take-over to
 * seconds.
 */
class ControllerManagerIT {

  @RegisterExtension
  static final SkiffExtension skiff =
      new SkiffExtension().withArgs("--disable-controller-manager", "--image-pull-time", "200ms");

  private static final String[] FAST_ELECTION = {
    "--leader-elect-lease-duration=4s",
    "--leader-elect-renew-deadline=3s",
    "--leader-elect-retry-period=1s"
  };

  private static final String[] LEASE = {
    "get", "lease", "-n", "kube-system", "kube-controller-manager"
  };

  private static String holder(JsonNode lease) {
    return lease.at("/spec/holderIdentity").asText("");
  }

  /** Whether the Deployment's status shows {@code replicas} pods, all updated and ready. */
  private static boolean ready(JsonNode deployment, int replicas) {
    JsonNode status = deployment.path("status");
    return status.path("readyReplicas").asInt() == replicas
        && status.path("updatedReplicas").asInt() == replicas
        && status.path("replicas").asInt() == replicas;
  }

  @Test
  void oneOfTwoControllerManagersLeadsAndTheOtherTakesOverWhenItIsKilled() {
    Kubectl kubectl = skiff.kubectl().withAwaitTimeout(Duration.ofSeconds(90));
    assertThat(skiff.process().stdout()).contains("skiff: no controllers run here");

    // Without a controller manager the scheduler and the nodes work, and nothing reconciles.
    kubectl.output("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2");
    kubectl.output("run", "probe", "--image=nginx:1.25");
    kubectl.awaitOutput("Running"::equals, "get", "pod", "probe", "-o", "jsonpath={.status.phase}");
    assertThat(kubectl.output("get", "replicasets", "-o", "name")).isBlank();
    assertThat(
            kubectl
                .json("get", "deployment", "web")
                .at("/status/observedGeneration")
                .isMissingNode())
        .isTrue();

    try (ControllerManagerProcess a =
            new ControllerManagerProcess(skiff.process(), "cm-a", FAST_ELECTION).start();
        ControllerManagerProcess b =
            new ControllerManagerProcess(skiff.process(), "cm-b", FAST_ELECTION).start()) {
      JsonNode lease = kubectl.awaitJson(l -> !holder(l).isEmpty(), LEASE);
      ControllerManagerProcess leader = holder(lease).equals(a.identity()) ? a : b;
      ControllerManagerProcess follower = leader == a ? b : a;
      assertThat(holder(lease)).isEqualTo(leader.identity());
      assertThat(leader.identity()).matches("[^_]+_[0-9a-f-]{36}");
      assertThat(lease.at("/spec/leaseDurationSeconds").asInt()).isEqualTo(4);

      // The leader's controllers work over HTTPS: the Deployment rolls out.
      kubectl.output("rollout", "status", "deployment/web", "--timeout=120s");
      kubectl.awaitJson(d -> ready(d, 2), "get", "deployment", "web");
      assertThat(leader.acquiredLease()).as(leader.log()).isTrue();
      assertThat(follower.acquiredLease()).as(follower.log()).isFalse();
      assertThat(holder(kubectl.json(LEASE))).isEqualTo(leader.identity());

      // The leader dies without giving the lease up: the other takes it once it expires.
      leader.kill();
      lease = kubectl.awaitJson(l -> holder(l).equals(follower.identity()), LEASE);
      assertThat(lease.at("/spec/leaseTransitions").asInt()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(30)).until(follower::acquiredLease);

      // ... and reconciles: a scale-up gets done.
      kubectl.output("scale", "deployment", "web", "--replicas=4");
      kubectl.awaitJson(d -> ready(d, 4), "get", "deployment", "web");

      // SIGTERM: exit 0, and the lease is given back for the next one.
      assertThat(follower.stop()).as(follower.log()).isZero();
      assertThat(follower.stdout()).contains("skiff: stopped");
      assertThat(holder(kubectl.json(LEASE))).isEmpty();
    }
  }
}
