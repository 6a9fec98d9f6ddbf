package io.skiff.client.informer;

import static io.skiff.client.Fixtures.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.skiff.api.selector.LabelSelector;
import io.skiff.client.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexerTest {

  private final Indexer<ConfigMap> indexer = new Indexer<>();

  private static Indexer.IndexFunction<ConfigMap> byApp() {
    return cm -> {
      Map<String, String> labels = cm.getMetadata().getLabels();
      return labels == null || !labels.containsKey("app") ? List.of() : List.of(labels.get("app"));
    };
  }

  @Test
  void storesByNamespaceAndName() {
    ConfigMap a = configMap("ns1", "a");
    assertThat(indexer.put(a)).isEmpty();
    ConfigMap a2 = configMap("ns1", "a", Map.of("v", "2"));

    assertThat(indexer.put(a2)).containsSame(a);
    assertThat(indexer.get("ns1/a")).containsSame(a2);
    assertThat(indexer.get("ns1", "a")).containsSame(a2);
    assertThat(indexer.get("ns2", "a")).isEmpty();
    assertThat(indexer.size()).isEqualTo(1);

    assertThat(indexer.remove(configMap("ns1", "a"))).containsSame(a2);
    assertThat(indexer.remove(configMap("ns1", "a"))).isEmpty();
    assertThat(indexer.list()).isEmpty();
  }

  @Test
  void clusterScopedObjectsAreKeyedByName() {
    Indexer<Namespace> namespaces = new Indexer<>();
    namespaces.put(Fixtures.namespace("team"));

    assertThat(namespaces.keys()).containsExactly("team");
    assertThat(namespaces.get(null, "team")).isPresent();
    assertThat(namespaces.byIndex(Indexer.NAMESPACE, "")).hasSize(1);
  }

  @Test
  void theNamespaceIndexFollowsChanges() {
    indexer.put(configMap("ns1", "a"));
    indexer.put(configMap("ns1", "b"));
    indexer.put(configMap("ns2", "a"));

    assertThat(indexer.byIndex(Indexer.NAMESPACE, "ns1"))
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("a", "b");
    indexer.removeKey("ns1/a");
    assertThat(indexer.byIndex(Indexer.NAMESPACE, "ns1")).hasSize(1);
    indexer.removeKey("ns1/b");
    assertThat(indexer.indexValues(Indexer.NAMESPACE)).containsExactly("ns2");
  }

  @Test
  void customIndexesCoverExistingAndChangedObjects() {
    indexer.put(configMap("ns", "a", Map.of("app", "web")));
    indexer.addIndex("app", byApp());
    indexer.put(configMap("ns", "b", Map.of("app", "web")));
    indexer.put(configMap("ns", "c"));

    assertThat(indexer.byIndex("app", "web")).hasSize(2);
    indexer.put(configMap("ns", "a", Map.of("app", "db")));
    assertThat(indexer.byIndex("app", "web"))
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("b");
    assertThat(indexer.byIndex("app", "db")).hasSize(1);
    assertThat(indexer.indexValues("app")).containsExactlyInAnyOrder("web", "db");
  }

  @Test
  void anUpdateServesTheNewObjectUnderKeptValuesAndMovesTheRest() {
    // Every label value is an index value: an update keeps some, drops some, adds some.
    indexer.addIndex("labels", cm -> List.copyOf(cm.getMetadata().getLabels().values()));
    indexer.put(configMap("ns", "a", Map.of("tier", "web", "zone", "z1")));
    ConfigMap updated = configMap("ns", "a", Map.of("tier", "web", "zone", "z2"));
    indexer.put(updated);

    assertThat(indexer.byIndex("labels", "web")).singleElement().isSameAs(updated);
    assertThat(indexer.byIndex(Indexer.NAMESPACE, "ns")).singleElement().isSameAs(updated);
    assertThat(indexer.byIndex("labels", "z2")).singleElement().isSameAs(updated);
    assertThat(indexer.byIndex("labels", "z1")).isEmpty();
    assertThat(indexer.indexValues("labels")).containsExactlyInAnyOrder("web", "z2");
  }

  @Test
  void replaceSwapsEverythingAndReturnsWhatWasThere() {
    indexer.addIndex("app", byApp());
    ConfigMap a = configMap("ns", "a", Map.of("app", "web"));
    indexer.put(a);
    indexer.put(configMap("ns", "b"));

    Map<String, ConfigMap> old =
        indexer.replace(List.of(configMap("ns", "c", Map.of("app", "web"))));

    assertThat(old).containsOnlyKeys("ns/a", "ns/b").containsEntry("ns/a", a);
    assertThat(indexer.keys()).containsExactly("ns/c");
    assertThat(indexer.byIndex("app", "web"))
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("c");
  }

  @Test
  void unknownAndDuplicateIndexesAreRefused() {
    assertThatThrownBy(() -> indexer.byIndex("nope", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> indexer.addIndex(Indexer.NAMESPACE, byApp()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listersFilterByNamespaceAndLabels() {
    indexer.put(configMap("ns1", "a", Map.of("app", "web")));
    indexer.put(configMap("ns1", "b", Map.of("app", "db")));
    indexer.put(configMap("ns2", "c", Map.of("app", "web")));
    Lister<ConfigMap> lister = new Lister<>(indexer);

    assertThat(lister.list("ns1", LabelSelector.parse("app=web")))
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("a");
    assertThat(lister.list(null, LabelSelector.parse("app=web"))).hasSize(2);
    assertThat(lister.list(null, LabelSelector.everything())).hasSize(3);
    assertThat(lister.list("ns1", null)).as("a null selector selects nothing").isEmpty();
    assertThat(lister.get("ns2", "c")).isPresent();
  }
}
