package io.skiff.node;

import static io.skiff.node.SimCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.transport.ForwardingTransport;
import io.skiff.client.transport.Transport;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Node registration, adoption, heartbeats and the end of a node's agent, on a manual clock against
 * a real registry.
 */
class NodeLifecycleTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private SimCluster cluster;

  @BeforeEach
  void create() {
    cluster = new SimCluster();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void start(int nodes) throws InterruptedException {
    cluster.start(cluster.options().withNodes(nodes));
    eventually(() -> cluster.sim.simulatedNodes() == nodes);
    eventually(
        () -> cluster.leases.list(NodeSimulator.LEASE_NAMESPACE, null).items().size() == nodes);
    cluster.settle();
  }

  private Node node(String name) {
    return cluster.nodes.get(null, name).orElseThrow();
  }

  private Lease lease(String name) {
    return cluster.leases.get(NodeSimulator.LEASE_NAMESPACE, name).orElseThrow();
  }

  private Instant renewTime(String name) {
    ZonedDateTime t = lease(name).getSpec().getRenewTime();
    return t.toInstant();
  }

  private static NodeCondition condition(Node node, String type) {
    return node.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private static Pod pod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("nginx:1.23.1")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void registeredNodesLookLikeAKubeletsNodes() throws InterruptedException {
    start(2);
    Node n = node("skiff-node-1");
    assertThat(n.getMetadata().getLabels())
        .containsEntry("kubernetes.io/hostname", "skiff-node-1")
        .containsEntry("kubernetes.io/os", "linux")
        .containsEntry("kubernetes.io/arch", "amd64")
        .containsEntry("beta.kubernetes.io/os", "linux")
        .containsEntry("beta.kubernetes.io/arch", "amd64");
    assertThat(n.getMetadata().getAnnotations())
        .containsEntry("volumes.kubernetes.io/controller-managed-attach-detach", "true")
        .containsEntry("node.alpha.kubernetes.io/ttl", "0");
    NodeStatus s = n.getStatus();
    assertThat(s.getCapacity())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("16Gi"))
        .containsEntry("pods", new Quantity("110"));
    assertThat(Quantity.getAmountInBytes(s.getAllocatable().get("memory")))
        .isEqualByComparingTo(Quantity.getAmountInBytes(new Quantity("16284Mi")));
    assertThat(s.getConditions())
        .extracting(NodeCondition::getType, NodeCondition::getStatus, NodeCondition::getReason)
        .containsExactly(
            tuple("MemoryPressure", "False", "KubeletHasSufficientMemory"),
            tuple("DiskPressure", "False", "KubeletHasNoDiskPressure"),
            tuple("PIDPressure", "False", "KubeletHasSufficientPID"),
            tuple("Ready", "True", "KubeletReady"));
    assertThat(condition(n, "Ready").getMessage()).isEqualTo("kubelet is posting ready status");
    assertThat(s.getAddresses())
        .extracting(a -> a.getType() + "=" + a.getAddress())
        .containsExactly("InternalIP=172.18.0.2", "Hostname=skiff-node-1");
    assertThat(s.getNodeInfo().getKubeletVersion()).isEqualTo("v1.33.0");
    assertThat(s.getNodeInfo().getOperatingSystem()).isEqualTo("linux");
    assertThat(s.getNodeInfo().getArchitecture()).isEqualTo("amd64");
    assertThat(s.getNodeInfo().getContainerRuntimeVersion()).startsWith("containerd://");
    assertThat(s.getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);
    assertThat(n.getSpec().getPodCIDR()).isEqualTo("10.244.0.0/24");
    assertThat(node("skiff-node-2").getSpec().getPodCIDRs()).containsExactly("10.244.1.0/24");
    assertThat(NodeShape.internalIp(node("skiff-node-2"))).isEqualTo("172.18.0.3");

    Lease l = lease("skiff-node-1");
    assertThat(l.getSpec().getHolderIdentity()).isEqualTo("skiff-node-1");
    assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
    assertThat(l.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Node");
              assertThat(o.getApiVersion()).isEqualTo("v1");
              assertThat(o.getUid()).isEqualTo(n.getMetadata().getUid());
            });

    assertThat(cluster.reasons("skiff-node-1"))
        .containsExactly(
            "Starting",
            "NodeHasSufficientMemory",
            "NodeHasNoDiskPressure",
            "NodeHasSufficientPID",
            "NodeAllocatableEnforced");
    assertThat(cluster.messages("skiff-node-1", "NodeHasSufficientMemory"))
        .containsExactly("Node skiff-node-1 status is now: NodeHasSufficientMemory");
  }

  @Test
  void leasesAreRenewedEveryTenSecondsSpreadOverTheInterval() throws InterruptedException {
    start(3);
    assertThat(List.of(renewTime("skiff-node-1"), renewTime("skiff-node-2"))).containsOnly(T0);

    // Second by second, so that each renewal is seen in the second it falls due.
    cluster.step(Duration.ofSeconds(10), Duration.ofSeconds(1));
    List<Instant> first =
        List.of(renewTime("skiff-node-1"), renewTime("skiff-node-2"), renewTime("skiff-node-3"));
    assertThat(first)
        .allSatisfy(t -> assertThat(t).isAfter(T0).isBeforeOrEqualTo(T0.plusSeconds(10)));
    // Spread: the nodes do not renew in the same second.
    assertThat(first).doesNotHaveDuplicates();

    cluster.step(Duration.ofSeconds(10), Duration.ofSeconds(1));
    for (int i = 0; i < 3; i++) {
      // Ten seconds after the last renewal, seen within the one-second step it fell in.
      Instant due = first.get(i).plusSeconds(10);
      assertThat(renewTime("skiff-node-" + (i + 1)))
          .isBetween(due, due.plus(Duration.ofMillis(999)));
    }
  }

  @Test
  void leasesAreRenewedWhileEveryPodWorkerIsStuck() throws InterruptedException {
    cluster.close();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stuck = new CountDownLatch(1);
    cluster = new SimCluster(t -> new PodStatusHeld(t, stuck, release));
    try {
      cluster.start(cluster.options().withNodes(1).withWorkers(1));
      eventually(
          () -> cluster.leases.get(NodeSimulator.LEASE_NAMESPACE, "skiff-node-1").isPresent());
      cluster.pods.create(pod("p", "skiff-node-1"));
      assertThat(stuck.await(10, TimeUnit.SECONDS))
          .as("the pod worker is in a status write")
          .isTrue();

      cluster.clock.advance(Duration.ofSeconds(11));
      // A kubelet's lease loop does not wait for its pod workers.
      eventually(() -> renewTime("skiff-node-1").isAfter(T0));
    } finally {
      release.countDown();
    }
  }

  /** Holds every pod status write until released: a pod worker stuck on a slow API call. */
  private static final class PodStatusHeld extends ForwardingTransport {
    private final CountDownLatch stuck;
    private final CountDownLatch release;

    PodStatusHeld(Transport delegate, CountDownLatch stuck, CountDownLatch release) {
      super(delegate);
      this.stuck = stuck;
      this.release = release;
    }

    @Override
    public HasMetadata update(
        ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
      if (status && type.plural().equals("pods")) {
        stuck.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return super.update(type, namespace, name, object, status);
    }
  }

  @Test
  void nodeStatusIsPostedAtLeastEveryFiveMinutes() throws InterruptedException {
    start(1);
    String registered = heartbeat();
    int minutes = 0;
    while (heartbeat().equals(registered)) {
      assertThat(minutes++).isLessThan(5);
      cluster.advance(Duration.ofMinutes(1));
    }
    Instant first = Instant.parse(heartbeat());
    cluster.step(Duration.ofMinutes(4), Duration.ofMinutes(1));
    assertThat(heartbeat()).isEqualTo(first.toString());
    cluster.advance(Duration.ofMinutes(1));
    // Five minutes after the last report, seen within the one-minute step it fell in.
    Instant due = first.plus(Duration.ofMinutes(5));
    assertThat(Instant.parse(heartbeat())).isBetween(due, due.plus(Duration.ofSeconds(59)));
    assertThat(condition(node("skiff-node-1"), "Ready").getLastTransitionTime())
        .isEqualTo(T0.toString());
  }

  private String heartbeat() {
    return condition(node("skiff-node-1"), "Ready").getLastHeartbeatTime();
  }

  @Test
  void stoppedHeartbeatFreezesTheNodeUntilTheAnnotationGoes() throws InterruptedException {
    start(1);
    cluster.pods.create(pod("p", "skiff-node-1"));
    eventually(() -> !cluster.pod("p").getStatus().getContainerStatuses().isEmpty());
    cluster.nodes.patch(
        null,
        "skiff-node-1",
        PatchType.MERGE_PATCH,
        "{\"metadata\":{\"annotations\":{\"sim.skiff.io/heartbeat\":\"stopped\"}}}");
    cluster.settle();
    Instant lastRenew = renewTime("skiff-node-1");

    cluster.advance(Duration.ofSeconds(60));
    assertThat(renewTime("skiff-node-1")).isEqualTo(lastRenew);
    // The pod is frozen with its kubelet: still ContainerCreating though its pull took 1s.
    assertThat(cluster.pod("p").getStatus().getPhase()).isEqualTo("Pending");

    // What the node lifecycle controller does to a node whose lease expired.
    Node seen = node("skiff-node-1");
    for (NodeCondition c : seen.getStatus().getConditions()) {
      c.setStatus("Unknown");
      c.setReason("NodeStatusUnknown");
      c.setMessage("Kubelet stopped posting node status.");
    }
    cluster.nodes.updateStatus(seen);
    cluster.advance(Duration.ofMinutes(10));
    assertThat(condition(node("skiff-node-1"), "Ready").getStatus()).isEqualTo("Unknown");

    cluster.nodes.patch(
        null,
        "skiff-node-1",
        PatchType.MERGE_PATCH,
        "{\"metadata\":{\"annotations\":{\"sim.skiff.io/heartbeat\":null}}}");
    eventually(() -> condition(node("skiff-node-1"), "Ready").getStatus().equals("True"));
    Instant now = T0.plus(Duration.ofSeconds(60)).plus(Duration.ofMinutes(10));
    assertThat(condition(node("skiff-node-1"), "Ready").getLastTransitionTime())
        .isEqualTo(now.toString());
    eventually(() -> renewTime("skiff-node-1").equals(now));
    eventually(() -> "Running".equals(cluster.pod("p").getStatus().getPhase()));
    assertThat(cluster.messages("skiff-node-1", "NodeReady"))
        .containsExactly("Node skiff-node-1 status is now: NodeReady");
  }

  @Test
  void nodeCreatedThroughTheApiIsAdoptedAndRunsPods() throws InterruptedException {
    start(1);
    cluster.nodes.create(
        new NodeBuilder().withNewMetadata().withName("extra").endMetadata().build());
    eventually(() -> cluster.sim.simulatedNodes() == 2);
    eventually(
        () ->
            !node("extra").getStatus().getConditions().isEmpty()
                && cluster.leases.get(NodeSimulator.LEASE_NAMESPACE, "extra").isPresent());
    Node extra = node("extra");
    assertThat(condition(extra, "Ready").getStatus()).isEqualTo("True");
    assertThat(extra.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", "extra");
    assertThat(extra.getSpec().getPodCIDR()).isEqualTo("10.244.1.0/24");
    assertThat(NodeShape.internalIp(extra)).isEqualTo("172.18.0.3");
    assertThat(cluster.reasons("extra")).startsWith("Starting").endsWith("NodeAllocatableEnforced");

    cluster.pods.create(pod("on-extra", "extra"));
    eventually(() -> "10.244.1.2".equals(cluster.pod("on-extra").getStatus().getPodIP()));
    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> "Running".equals(cluster.pod("on-extra").getStatus().getPhase()));
    assertThat(cluster.pod("on-extra").getStatus().getHostIP()).isEqualTo("172.18.0.3");
  }

  @Test
  void everyNodeHasAPodStatusWriterBeyondTheFewest() throws InterruptedException {
    cluster.start(cluster.options().withNodes(3).withWorkers(2));
    eventually(() -> cluster.sim.simulatedNodes() == 3);
    assertThat(cluster.sim.podWorkers()).isEqualTo(3);

    cluster.nodes.create(
        new NodeBuilder().withNewMetadata().withName("extra").endMetadata().build());
    eventually(() -> cluster.sim.simulatedNodes() == 4);
    assertThat(cluster.sim.podWorkers()).isEqualTo(4);
  }

  @Test
  void aSmallClusterHasTheFewestPodStatusWriters() throws InterruptedException {
    start(2);
    assertThat(cluster.sim.podWorkers()).isEqualTo(NodeOptions.DEFAULT_WORKERS);
  }

  @Test
  void nodeCreatedWithItsOwnRangeAndAddressKeepsThem() throws InterruptedException {
    start(0);
    Node mine =
        new NodeBuilder()
            .withNewMetadata()
            .withName("mine")
            .addToLabels("kubernetes.io/hostname", "custom")
            .endMetadata()
            .withNewSpec()
            .withPodCIDR("10.244.7.0/24")
            .withPodCIDRs("10.244.7.0/24")
            .endSpec()
            .withNewStatus()
            .addNewAddress("192.168.5.5", "InternalIP")
            .addToCapacity("cpu", new Quantity("2"))
            .addToCapacity("pods", new Quantity("10"))
            .endStatus()
            .build();
    cluster.nodes.create(mine);
    eventually(() -> cluster.sim.simulatedNodes() == 1);
    eventually(() -> !node("mine").getStatus().getConditions().isEmpty());
    Node n = node("mine");
    assertThat(n.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", "custom");
    assertThat(n.getStatus().getCapacity()).containsEntry("cpu", new Quantity("2"));
    assertThat(NodeShape.internalIp(n)).isEqualTo("192.168.5.5");
    cluster.pods.create(pod("p", "mine"));
    eventually(() -> "10.244.7.2".equals(cluster.pod("p").getStatus().getPodIP()));
    assertThat(cluster.pod("p").getStatus().getHostIP()).isEqualTo("192.168.5.5");
  }

  @Test
  void deletedNodeStopsItsAgentAndFreesItsRange() throws InterruptedException {
    start(2);
    cluster.nodes.delete(null, "skiff-node-1", new DeleteOptions());
    eventually(() -> cluster.sim.simulatedNodes() == 1);
    cluster.settle();
    Instant lastRenew = renewTime("skiff-node-1");
    cluster.advance(Duration.ofSeconds(30));
    assertThat(renewTime("skiff-node-1")).isEqualTo(lastRenew);
    assertThat(renewTime("skiff-node-2")).isAfter(lastRenew);

    cluster.pods.create(pod("orphan", "skiff-node-1"));
    cluster.advance(Duration.ofSeconds(5));
    assertThat(cluster.pod("orphan").getStatus().getContainerStatuses()).isEmpty();

    cluster.nodes.create(new NodeBuilder().withNewMetadata().withName("new").endMetadata().build());
    eventually(() -> "10.244.0.0/24".equals(NodeShape.podCidr(node("new"))));
  }

  @Test
  void restartedSimulatorTakesOverRunningPodsWithoutRestartingThem() throws InterruptedException {
    start(1);
    cluster.pods.create(pod("keep", "skiff-node-1"));
    eventually(() -> !cluster.pod("keep").getStatus().getContainerStatuses().isEmpty());
    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> "Running".equals(cluster.pod("keep").getStatus().getPhase()));
    Pod before = cluster.pod("keep");
    cluster.sim.close();
    cluster.events.clear();

    cluster.advance(Duration.ofMinutes(1));
    cluster.start(cluster.options().withNodes(1));
    eventually(() -> cluster.sim.simulatedNodes() == 1);
    cluster.settle();
    assertThat(cluster.pod("keep").getStatus()).isEqualTo(before.getStatus());
    assertThat(cluster.reasons("keep")).isEmpty();
    assertThat(cluster.reasons("skiff-node-1")).doesNotContain("Starting");

    cluster.pods.create(pod("fresh", "skiff-node-1"));
    eventually(() -> cluster.pod("fresh").getStatus().getPodIP() != null);
    assertThat(cluster.pod("fresh").getStatus().getPodIP())
        .isNotEqualTo(before.getStatus().getPodIP());
    assertThat(cluster.messages("fresh", "Pulled"))
        .containsExactly("Container image \"nginx:1.23.1\" already present on machine");
  }
}
