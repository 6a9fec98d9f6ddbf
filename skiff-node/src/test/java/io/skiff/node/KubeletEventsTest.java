package io.skiff.node;

import static io.skiff.node.SimCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.client.events.ClientEventRecorder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's events written as core/v1 Events through the client's recorder: what {@code kubectl
 * describe pod} shows for a tag that does not exist.
 */
class KubeletEventsTest {

  private SimCluster cluster;

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new SimCluster();
    cluster.start(
        cluster
            .options()
            .withNodes(1)
            .withEvents(
                node ->
                    ClientEventRecorder.synchronous(
                        cluster.client, "kubelet", node, cluster.clock)));
    eventually(() -> cluster.sim.simulatedNodes() == 1);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private List<Event> events(String involved) {
    return cluster.client.resources(Event.class).list("default", null).items().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(involved))
        .toList();
  }

  private Event event(String involved, String reason, String messagePrefix) {
    return events(involved).stream()
        .filter(e -> e.getReason().equals(reason) && e.getMessage().startsWith(messagePrefix))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void missingTagIsExplainedInThePodsEvents() {
    cluster.pods.create(
        new PodBuilder()
            .withNewMetadata()
            .withName("bad")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName("skiff-node-1")
            .addNewContainer()
            .withName("nginx")
            .withImage("nginx:1.231")
            .endContainer()
            .endSpec()
            .build());
    eventually(() -> !events("bad").isEmpty());
    cluster.advance(Duration.ofSeconds(1));
    cluster.advance(Duration.ofSeconds(1));
    eventually(() -> events("bad").stream().anyMatch(e -> e.getReason().equals("BackOff")));

    Event pullFailed = event("bad", "Failed", "Failed to pull image");
    assertThat(pullFailed.getType()).isEqualTo("Warning");
    assertThat(pullFailed.getMessage())
        .isEqualTo(
            "Failed to pull image \"nginx:1.231\": rpc error: code = NotFound desc = failed to"
                + " pull and unpack image \"docker.io/library/nginx:1.231\": failed to resolve"
                + " reference \"docker.io/library/nginx:1.231\":"
                + " docker.io/library/nginx:1.231: not found");
    assertThat(pullFailed.getSource().getComponent()).isEqualTo("kubelet");
    assertThat(pullFailed.getSource().getHost()).isEqualTo("skiff-node-1");
    assertThat(pullFailed.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(pullFailed.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{nginx}");
    assertThat(event("bad", "Failed", "Error: ErrImagePull").getType()).isEqualTo("Warning");
    assertThat(event("bad", "BackOff", "Back-off pulling image").getMessage())
        .isEqualTo("Back-off pulling image \"nginx:1.231\"");
    assertThat(event("bad", "Failed", "Error: ImagePullBackOff").getType()).isEqualTo("Warning");
    assertThat(event("bad", "Pulling", "Pulling image").getType()).isEqualTo("Normal");

    // The next attempt repeats the same events: counted on the same Event, as upstream.
    cluster.step(Duration.ofSeconds(10), Duration.ofSeconds(1));
    eventually(() -> event("bad", "Pulling", "Pulling image").getCount() == 2);
  }

  @Test
  void nodeRegistrationEventsAreAboutTheNode() {
    eventually(
        () ->
            cluster.client.resources(Event.class).list("default", null).items().stream()
                    .filter(e -> e.getInvolvedObject().getKind().equals("Node"))
                    .count()
                == 5);
    Event ready = event("skiff-node-1", "NodeHasSufficientMemory", "Node");
    assertThat(ready.getMessage())
        .isEqualTo("Node skiff-node-1 status is now: NodeHasSufficientMemory");
    assertThat(event("skiff-node-1", "Starting", "").getMessage()).isEqualTo("Starting kubelet.");
  }
}
