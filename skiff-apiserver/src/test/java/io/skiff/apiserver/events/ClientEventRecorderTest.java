package io.skiff.apiserver.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.apiserver.inprocess.InProcessTransport;
import io.skiff.apiserver.registry.Registry;
import io.skiff.client.KubeClient;
import io.skiff.client.ListOptions;
import io.skiff.client.events.ClientEventRecorder;
import io.skiff.clock.ManualClock;
import io.skiff.store.memory.MemoryStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** client-go's event correlation, over the in-process client, on a manual clock. */
class ClientEventRecorderTest {

  private final ManualClock clock = new ManualClock();
  private MemoryStore store;
  private KubeClient client;
  private ClientEventRecorder recorder;
  private ConfigMap object;

  @BeforeEach
  void start() {
    store = new MemoryStore();
    Registry registry = new Registry(ResourceRegistry.builtin(), store, new ObjectCodec(), clock);
    registry.bootstrap();
    client = KubeClient.over(new InProcessTransport(registry));
    recorder = ClientEventRecorder.synchronous(client, "test-controller", "host-1", clock);
    object =
        client
            .resources(ConfigMap.class)
            .create(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("cm")
                    .withNamespace("default")
                    .endMetadata()
                    .build());
  }

  @AfterEach
  void stop() {
    client.close();
    store.close();
  }

  private List<Event> events() {
    return client.resources(Event.class).list("default", ListOptions.all()).items().stream()
        .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
        .toList();
  }

  @Test
  void anEventDescribesItsObjectAndSource() {
    recorder.event(object, "Normal", "Synced", "all good");

    Event e = events().getFirst();
    assertThat(e.getMetadata().getName()).startsWith("cm.");
    assertThat(e.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
    assertThat(e.getInvolvedObject().getName()).isEqualTo("cm");
    assertThat(e.getInvolvedObject().getUid()).isEqualTo(object.getMetadata().getUid());
    assertThat(e.getType()).isEqualTo("Normal");
    assertThat(e.getReason()).isEqualTo("Synced");
    assertThat(e.getMessage()).isEqualTo("all good");
    assertThat(e.getCount()).isEqualTo(1);
    assertThat(e.getFirstTimestamp()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(e.getSource().getComponent()).isEqualTo("test-controller");
    assertThat(e.getSource().getHost()).isEqualTo("host-1");
  }

  @Test
  void aRepeatCountsOnTheSameEvent() {
    recorder.event(object, "Warning", "BackOff", "Back-off pulling image");
    clock.advance(Duration.ofSeconds(30));
    recorder.event(object, "Warning", "BackOff", "Back-off pulling image");

    List<Event> events = events();
    assertThat(events).hasSize(1);
    assertThat(events.getFirst().getCount()).isEqualTo(2);
    assertThat(events.getFirst().getFirstTimestamp()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(events.getFirst().getLastTimestamp()).isEqualTo("2024-01-01T00:00:30Z");
  }

  @Test
  void differentMessagesAreDifferentEventsUntilTenAreCombined() {
    for (int i = 0; i < 12; i++) {
      recorder.event(object, "Normal", "Scaled", "scaled to " + i);
    }

    List<Event> events = events();
    // Nine distinct events, then the tenth and later ones combined into one.
    assertThat(events).hasSize(10);
    Event combined =
        events.stream().filter(e -> e.getMessage().startsWith("(combined")).findFirst().get();
    assertThat(combined.getMessage()).isEqualTo("(combined from similar events): scaled to 11");
    assertThat(combined.getCount()).isEqualTo(3);
  }

  @Test
  void similarEventsCombineWhileEachFollowsTheLastWithinTenMinutes() {
    // Twelve, four minutes apart: 44 minutes from the first to the last, but never ten between two.
    for (int i = 0; i < 12; i++) {
      recorder.event(object, "Normal", "Scaled", "scaled to " + i);
      clock.advance(Duration.ofMinutes(4));
    }
    recorder.event(object, "Normal", "Other", "after a pause");
    clock.advance(Duration.ofMinutes(11));
    recorder.event(object, "Normal", "Scaled", "scaled to 12");

    List<Event> events = events();
    assertThat(events).extracting(Event::getMessage).contains("scaled to 12");
    assertThat(events)
        .filteredOn(e -> e.getMessage().startsWith("(combined"))
        .singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(3));
  }

  @Test
  void aFloodAboutOneObjectIsCutAtTheBurstThenRefills() {
    for (int i = 0; i < 30; i++) {
      recorder.event(object, "Normal", "Reason" + i, "m");
    }
    assertThat(events()).hasSize(25);

    clock.advance(Duration.ofMinutes(5));
    recorder.event(object, "Normal", "Late", "m");
    assertThat(events()).hasSize(26);
  }

  @Test
  void theBurstCountsEveryFieldPathOfAnObjectTogether() {
    for (int i = 0; i < 30; i++) {
      recorder.event(object, "spec.containers{c" + i + "}", "Normal", "Started", "m");
    }
    assertThat(events()).hasSize(25);
  }

  @Test
  void clusterScopedObjectsGetTheirEventsInDefault() {
    Node node =
        client
            .resources(Node.class)
            .create(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build());

    recorder.event(node, "Normal", "NodeReady", "Node n1 status is now: NodeReady");

    assertThat(events())
        .singleElement()
        .satisfies(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("n1"));
  }

  @Test
  void containerEventsNameTheirFieldPath() {
    recorder.event(object, "spec.containers{nginx}", "Normal", "Pulling", "Pulling image");

    assertThat(events().getFirst().getInvolvedObject().getFieldPath())
        .isEqualTo("spec.containers{nginx}");
  }
}
