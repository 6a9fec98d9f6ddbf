package io.skiff.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.openapi.OpenApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  /** What kubectl 1.27–1.29 send to {@code /api} and {@code /apis}. */
  static final String ACCEPT_1_27 =
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  /** What kubectl 1.30–1.33 send to {@code /api} and {@code /apis}. */
  static final String ACCEPT_1_33 =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
          + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
          + "application/json";

  private static final String ALL_VERBS =
      "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]";
  private static final String RW = "[\"get\",\"patch\",\"update\"]";

  private final ObjectMapper mapper = new ObjectMapper();
  private final ResourceRegistry registry = ResourceRegistry.builtin();
  private final Discovery discovery =
      new Discovery(registry, new OpenApi(registry, mapper, "v1.33.0"), mapper, "10.0.0.1:6443");

  // ---- legacy ----

  @Test
  void apiListsTheCoreVersionAndTheServerAddress() {
    Answer a = get("/api", "application/json, */*");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.contentType()).isEqualTo("application/json");
    assertThat(body(a))
        .isEqualTo(
            "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
                + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\","
                + "\"serverAddress\":\"10.0.0.1:6443\"}]}");
  }

  @Test
  void apisListsTheGroupsInKubeAggregatorPriorityOrder() {
    Answer a = get("/apis", "application/json");
    assertThat(a.contentType()).isEqualTo("application/json");
    assertThat(tree(a))
        .isEqualTo(
            tree(
                "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
                    + group("apps")
                    + ","
                    + group("events.k8s.io")
                    + ","
                    + group("batch")
                    + ","
                    + group("policy")
                    + ","
                    + group("coordination.k8s.io")
                    + "]}"));
  }

  @Test
  void apisGroupIsOneApiGroup() {
    Answer a = get("/apis/apps", null);
    assertThat(body(a))
        .isEqualTo("{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + group("apps").substring(1));
  }

  /** The whole apps/v1 list is served, so it must equal a real cluster's, byte for byte. */
  @Test
  void appsV1IsExactlyWhatKubeApiserverServes() {
    Answer a = get("/apis/apps/v1", "application/json, */*");
    assertThat(a.contentType()).isEqualTo("application/json");
    assertThat(body(a))
        .isEqualTo(
            "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"apps/v1\","
                + "\"resources\":["
                + resource(
                    "controllerrevisions", "controllerrevision", "ControllerRevision", null, null)
                + ",\"storageVersionHash\":\"85nkx63pcBU=\"},"
                + resource("daemonsets", "daemonset", "DaemonSet", "ds", "all")
                + ",\"storageVersionHash\":\"dd7pWHUlMKQ=\"},"
                + sub("daemonsets/status", "DaemonSet")
                + ","
                + resource("deployments", "deployment", "Deployment", "deploy", "all")
                + ",\"storageVersionHash\":\"8aSe+NMegvE=\"},"
                + scale("deployments/scale")
                + ","
                + sub("deployments/status", "Deployment")
                + ","
                + resource("replicasets", "replicaset", "ReplicaSet", "rs", "all")
                + ",\"storageVersionHash\":\"P1RzHs8/mWQ=\"},"
                + scale("replicasets/scale")
                + ","
                + sub("replicasets/status", "ReplicaSet")
                + ","
                + resource("statefulsets", "statefulset", "StatefulSet", "sts", "all")
                + ",\"storageVersionHash\":\"H+vl74LkKdo=\"},"
                + scale("statefulsets/scale")
                + ","
                + sub("statefulsets/status", "StatefulSet")
                + "]}");
  }

  /**
   * The entries of a kube-apiserver 1.31 {@code /api/v1} answer for the resources Skiff serves,
   * verbatim. The core list has no apiVersion upstream.
   */
  @Test
  void coreV1MatchesUpstreamEntriesForServedResources() {
    String expected =
        "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
            + "{\"name\":\"configmaps\",\"singularName\":\"configmap\",\"namespaced\":true,"
            + "\"kind\":\"ConfigMap\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"cm\"],\"storageVersionHash\":\"qFsyl6wFWjQ=\"},"
            + "{\"name\":\"endpoints\",\"singularName\":\"endpoints\",\"namespaced\":true,"
            + "\"kind\":\"Endpoints\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"ep\"],\"storageVersionHash\":\"fWeeMqaN/OA=\"},"
            + "{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,"
            + "\"kind\":\"Event\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"ev\"],\"storageVersionHash\":\"r2yiGXH7wu8=\"},"
            + "{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,"
            + "\"kind\":\"Namespace\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\","
            + "\"update\",\"watch\"],\"shortNames\":[\"ns\"],"
            + "\"storageVersionHash\":\"Q3oi5N2YM8M=\"},"
            + "{\"name\":\"namespaces/finalize\",\"singularName\":\"\",\"namespaced\":false,"
            + "\"kind\":\"Namespace\",\"verbs\":[\"update\"]},"
            + "{\"name\":\"namespaces/status\",\"singularName\":\"\",\"namespaced\":false,"
            + "\"kind\":\"Namespace\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"nodes\",\"singularName\":\"node\",\"namespaced\":false,"
            + "\"kind\":\"Node\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"no\"],\"storageVersionHash\":\"XwShjMxG9Fs=\"},"
            + "{\"name\":\"nodes/status\",\"singularName\":\"\",\"namespaced\":false,"
            + "\"kind\":\"Node\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"persistentvolumeclaims\",\"singularName\":\"persistentvolumeclaim\","
            + "\"namespaced\":true,\"kind\":\"PersistentVolumeClaim\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"pvc\"],\"storageVersionHash\":\"QWTyNDq0dC4=\"},"
            + "{\"name\":\"persistentvolumeclaims/status\",\"singularName\":\"\","
            + "\"namespaced\":true,\"kind\":\"PersistentVolumeClaim\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"persistentvolumes\",\"singularName\":\"persistentvolume\","
            + "\"namespaced\":false,\"kind\":\"PersistentVolume\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"pv\"],\"storageVersionHash\":\"HN/zwEC+JgM=\"},"
            + "{\"name\":\"persistentvolumes/status\",\"singularName\":\"\","
            + "\"namespaced\":false,\"kind\":\"PersistentVolume\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
            + "\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"po\"],\"categories\":[\"all\"],"
            + "\"storageVersionHash\":\"xPOwRZ+Yhw8=\"},"
            + "{\"name\":\"pods/binding\",\"singularName\":\"\",\"namespaced\":true,"
            + "\"kind\":\"Binding\",\"verbs\":[\"create\"]},"
            + "{\"name\":\"pods/eviction\",\"singularName\":\"\",\"namespaced\":true,"
            + "\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\","
            + "\"verbs\":[\"create\"]},"
            + "{\"name\":\"pods/status\",\"singularName\":\"\",\"namespaced\":true,"
            + "\"kind\":\"Pod\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"replicationcontrollers\",\"singularName\":\"replicationcontroller\","
            + "\"namespaced\":true,\"kind\":\"ReplicationController\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"rc\"],\"categories\":[\"all\"],"
            + "\"storageVersionHash\":\"Jond2If31h0=\"},"
            + "{\"name\":\"replicationcontrollers/scale\",\"singularName\":\"\","
            + "\"namespaced\":true,\"group\":\"autoscaling\",\"version\":\"v1\","
            + "\"kind\":\"Scale\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"replicationcontrollers/status\",\"singularName\":\"\","
            + "\"namespaced\":true,\"kind\":\"ReplicationController\",\"verbs\":"
            + RW
            + "},"
            + "{\"name\":\"secrets\",\"singularName\":\"secret\",\"namespaced\":true,"
            + "\"kind\":\"Secret\",\"verbs\":"
            + ALL_VERBS
            + ",\"storageVersionHash\":\"S6u1pOWzb84=\"},"
            + "{\"name\":\"serviceaccounts\",\"singularName\":\"serviceaccount\","
            + "\"namespaced\":true,\"kind\":\"ServiceAccount\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"sa\"],\"storageVersionHash\":\"pbx9ZvyFpBE=\"},"
            + "{\"name\":\"services\",\"singularName\":\"service\",\"namespaced\":true,"
            + "\"kind\":\"Service\",\"verbs\":"
            + ALL_VERBS
            + ",\"shortNames\":[\"svc\"],\"categories\":[\"all\"],"
            + "\"storageVersionHash\":\"0/CO1lhkEBI=\"},"
            + "{\"name\":\"services/status\",\"singularName\":\"\",\"namespaced\":true,"
            + "\"kind\":\"Service\",\"verbs\":"
            + RW
            + "}]}";
    assertThat(body(get("/api/v1", null))).isEqualTo(expected);
  }

  @Test
  void categoryAllIsOnExactlyTheResourcesUpstreamMarks() {
    Set<String> withAll = new HashSet<>();
    for (String gv : registry.groupVersions()) {
      String path = gv.equals("v1") ? "/api/v1" : "/apis/" + gv;
      for (JsonNode r : tree(get(path, null)).get("resources")) {
        if (r.has("categories")) {
          assertThat(r.get("categories")).hasToString("[\"all\"]");
          withAll.add(r.get("name").asText());
        }
      }
    }
    assertThat(withAll)
        .containsExactlyInAnyOrder(
            "pods",
            "services",
            "replicationcontrollers",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs");
  }

  @Test
  void otherGroupsListTheirResources() {
    assertThat(body(get("/apis/batch/v1", null)))
        .isEqualTo(
            "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"batch/v1\","
                + "\"resources\":["
                + resource("cronjobs", "cronjob", "CronJob", "cj", "all")
                + ",\"storageVersionHash\":\"sd5LIXh4Fjs=\"},"
                + sub("cronjobs/status", "CronJob")
                + ","
                + resource("jobs", "job", "Job", null, "all")
                + ",\"storageVersionHash\":\"mudhfqk/qZY=\"},"
                + sub("jobs/status", "Job")
                + "]}");
    JsonNode events = tree(get("/apis/events.k8s.io/v1", null)).get("resources").get(0);
    // events.k8s.io events share the core storage upstream, hence the core hash.
    assertThat(events.get("storageVersionHash").asText()).isEqualTo("r2yiGXH7wu8=");
    assertThat(events.get("shortNames")).hasToString("[\"ev\"]");
    assertThat(tree(get("/apis/policy/v1", null)).get("resources").get(0).get("shortNames"))
        .hasToString("[\"pdb\"]");
    assertThat(tree(get("/apis/coordination.k8s.io/v1", null)).get("resources").get(0))
        .isEqualTo(
            tree(
                "{\"name\":\"leases\",\"singularName\":\"lease\",\"namespaced\":true,"
                    + "\"kind\":\"Lease\",\"verbs\":"
                    + ALL_VERBS
                    + ",\"storageVersionHash\":\"gqkMMb/YqFM=\"}"));
  }

  @Test
  void aTrailingSlashIsTolerated() {
    assertThat(get("/apis/apps/v1/", null).body()).isEqualTo(get("/apis/apps/v1", null).body());
    assertThat(get("/api/", null).body()).isEqualTo(get("/api", null).body());
  }

  @Test
  void pathsThatAreNotDiscoveryAreLeftToTheRouter() {
    for (String path :
        List.of(
            "/",
            "/apis/nope",
            "/apis/apps/v2",
            "/apis/apps/v1/deployments",
            "/api/v2",
            "/api/v1/pods",
            "/apis/apps/v1/namespaces/default/deployments",
            "/openapi",
            "/openapi/v3/apis/nope/v1",
            "/openapi/v3/",
            "/swagger-2.0.0.pb-v1",
            "/version")) {
      assertThat(discovery.answer(path, null, "application/json")).as(path).isEmpty();
    }
  }

  // ---- aggregated ----

  @Test
  void kubectl127GetsAggregatedV2beta1() {
    for (String path : List.of("/api", "/apis")) {
      Answer a = get(path, ACCEPT_1_27);
      assertThat(a.contentType())
          .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
      JsonNode doc = tree(a);
      assertThat(doc.get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
      assertThat(doc.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    }
  }

  @Test
  void kubectl133GetsAggregatedV2() {
    for (String path : List.of("/api", "/apis")) {
      Answer a = get(path, ACCEPT_1_33);
      assertThat(a.contentType()).isEqualTo(Discovery.AGGREGATED_V2);
      assertThat(tree(a).get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
      assertThat(a.headers())
          .containsEntry("Vary", "Accept")
          .containsEntry("Cache-Control", "public");
    }
  }

  @Test
  void negotiationFollowsQualityThenHeaderOrder() {
    String v2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    assertThat(Discovery.aggregatedVersion(null)).isEmpty();
    assertThat(Discovery.aggregatedVersion("")).isEmpty();
    assertThat(Discovery.aggregatedVersion("application/json")).isEmpty();
    assertThat(Discovery.aggregatedVersion("application/json, */*")).isEmpty();
    assertThat(Discovery.aggregatedVersion("application/json," + v2)).isEmpty();
    assertThat(Discovery.aggregatedVersion(v2 + ",application/json")).hasValue("v2");
    assertThat(Discovery.aggregatedVersion("application/json;q=0.5," + v2)).hasValue("v2");
    assertThat(Discovery.aggregatedVersion(v2 + ";q=0.5,application/json")).isEmpty();
    assertThat(Discovery.aggregatedVersion(ACCEPT_1_27)).hasValue("v2beta1");
    assertThat(Discovery.aggregatedVersion(ACCEPT_1_33)).hasValue("v2");
    // Parameter order does not matter, and unknown parameters (profile=nopeer) are ignored.
    assertThat(
            Discovery.aggregatedVersion(
                "application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io;"
                    + "profile=nopeer"))
        .hasValue("v2");
    // A conversion the endpoint does not offer is passed over, not refused.
    assertThat(Discovery.aggregatedVersion(v2.replace("v=v2", "v=v3") + ",application/json"))
        .isEmpty();
    assertThat(
            Discovery.aggregatedVersion(
                "application/json;as=Table;v=v1;g=meta.k8s.io," + ACCEPT_1_33))
        .hasValue("v2");
    // Only JSON is produced; a protobuf request falls through to the next clause.
    assertThat(
            Discovery.aggregatedVersion(
                "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;"
                    + "as=APIGroupDiscoveryList,"
                    + ACCEPT_1_27))
        .hasValue("v2beta1");
    assertThat(Discovery.aggregatedVersion("text/html")).isEmpty();
    assertThat(get("/apis", "text/html").contentType()).isEqualTo("application/json");
  }

  @Test
  void aggregatedAppsGroupHasResourcesAndSubresources() {
    JsonNode items = tree(get("/apis", ACCEPT_1_33)).get("items");
    List<String> names = new ArrayList<>();
    items.forEach(i -> names.add(i.get("metadata").get("name").asText()));
    assertThat(names)
        .containsExactly("apps", "events.k8s.io", "batch", "policy", "coordination.k8s.io");
    JsonNode apps = items.get(0);
    assertThat(apps.get("metadata"))
        .isEqualTo(tree("{\"name\":\"apps\",\"creationTimestamp\":null}"));
    JsonNode v1 = apps.get("versions").get(0);
    assertThat(v1.get("version").asText()).isEqualTo("v1");
    assertThat(v1.get("freshness").asText()).isEqualTo("Current");
    assertThat(v1.get("resources").get(2))
        .isEqualTo(
            tree(
                "{\"resource\":\"deployments\","
                    + "\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Deployment\"},"
                    + "\"scope\":\"Namespaced\",\"singularResource\":\"deployment\","
                    + "\"verbs\":"
                    + ALL_VERBS
                    + ",\"shortNames\":[\"deploy\"],\"categories\":[\"all\"],"
                    + "\"subresources\":["
                    + "{\"subresource\":\"scale\",\"responseKind\":{\"group\":\"autoscaling\","
                    + "\"version\":\"v1\",\"kind\":\"Scale\"},\"verbs\":"
                    + RW
                    + "},"
                    + "{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\","
                    + "\"version\":\"\",\"kind\":\"Deployment\"},\"verbs\":"
                    + RW
                    + "}]}"));
    assertThat(v1.get("resources").get(0).has("subresources")).isFalse();
  }

  @Test
  void aggregatedCoreGroupHasNoNameAndClusterScopedNamespaces() {
    JsonNode doc = tree(get("/api", ACCEPT_1_33));
    assertThat(doc.get("metadata")).isEqualTo(tree("{}"));
    assertThat(doc.get("items")).hasSize(1);
    JsonNode core = doc.get("items").get(0);
    assertThat(core.get("metadata")).isEqualTo(tree("{\"creationTimestamp\":null}"));
    JsonNode namespaces = null;
    JsonNode pods = null;
    for (JsonNode r : core.get("versions").get(0).get("resources")) {
      if (r.get("resource").asText().equals("namespaces")) {
        namespaces = r;
      } else if (r.get("resource").asText().equals("pods")) {
        pods = r;
      }
    }
    assertThat(namespaces).isNotNull();
    assertThat(namespaces.get("scope").asText()).isEqualTo("Cluster");
    assertThat(namespaces.get("subresources"))
        .isEqualTo(
            tree(
                "[{\"subresource\":\"finalize\",\"responseKind\":{\"group\":\"\",\"version\":\"\","
                    + "\"kind\":\"Namespace\"},\"verbs\":[\"update\"]},"
                    + "{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"\","
                    + "\"kind\":\"Namespace\"},\"verbs\":"
                    + RW
                    + "}]"));
    assertThat(pods).isNotNull();
    assertThat(pods.get("subresources"))
        .isEqualTo(
            tree(
                "[{\"subresource\":\"binding\",\"responseKind\":{\"group\":\"\",\"version\":\"\","
                    + "\"kind\":\"Binding\"},\"verbs\":[\"create\"]},"
                    + "{\"subresource\":\"eviction\",\"responseKind\":{\"group\":\"policy\","
                    + "\"version\":\"v1\",\"kind\":\"Eviction\"},\"verbs\":[\"create\"]},"
                    + "{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"\","
                    + "\"kind\":\"Pod\"},\"verbs\":"
                    + RW
                    + "}]"));
  }

  @Test
  void v2AndV2beta1DifferOnlyInApiVersion() {
    for (String path : List.of("/api", "/apis")) {
      ObjectNode v2 = (ObjectNode) tree(get(path, ACCEPT_1_33));
      ObjectNode beta = (ObjectNode) tree(get(path, ACCEPT_1_27));
      beta.put("apiVersion", "apidiscovery.k8s.io/v2");
      assertThat(beta).isEqualTo(v2);
    }
  }

  /**
   * client-go turns the aggregated form back into APIResourceLists; they must be the legacy lists
   * (storage hashes aside, which the aggregated form does not carry).
   */
  @Test
  void aggregatedAndLegacyDescribeTheSameResources() {
    TreeMap<String, JsonNode> fromAggregated = new TreeMap<>();
    for (String path : List.of("/api", "/apis")) {
      for (JsonNode group : tree(get(path, ACCEPT_1_33)).get("items")) {
        String name = group.get("metadata").path("name").asText("");
        for (JsonNode version : group.get("versions")) {
          String gv =
              name.isEmpty()
                  ? version.get("version").asText()
                  : name + "/" + version.get("version").asText();
          fromAggregated.put(gv, legacyFromAggregated(version.get("resources")));
        }
      }
    }
    TreeMap<String, JsonNode> legacy = new TreeMap<>();
    for (String gv : registry.groupVersions()) {
      ObjectNode list = (ObjectNode) tree(get(gv.equals("v1") ? "/api/v1" : "/apis/" + gv, null));
      for (JsonNode r : list.get("resources")) {
        ObjectNode o = (ObjectNode) r;
        o.remove("storageVersionHash");
        if (!o.has("group")) {
          o.put("group", "");
          o.put("version", "");
        }
      }
      legacy.put(gv, list.get("resources"));
    }
    assertThat(fromAggregated).isEqualTo(legacy);
  }

  @Test
  void aggregatedAnswersCarryAnEtagAndHonourIfNoneMatch() {
    Answer first = get("/apis", ACCEPT_1_33);
    String etag = first.headers().get("ETag");
    assertThat(etag).matches("\"[0-9A-F]{128}\"");
    assertThat(get("/apis", ACCEPT_1_27).headers()).containsEntry("ETag", etag);
    assertThat(get("/api", ACCEPT_1_33).headers().get("ETag")).isNotEqualTo(etag);

    Answer again = discovery.answer("/apis", null, ACCEPT_1_33, etag).orElseThrow();
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers()).containsEntry("ETag", etag);
    Answer stale = discovery.answer("/apis", null, ACCEPT_1_33, "\"ABC\"").orElseThrow();
    assertThat(stale.status()).isEqualTo(200);
  }

  // ---- helpers ----

  private static JsonNode legacyFromAggregated(JsonNode resources) {
    List<JsonNode> out = new ArrayList<>();
    ObjectMapper m = new ObjectMapper();
    for (JsonNode r : resources) {
      ObjectNode main = m.createObjectNode();
      main.put("name", r.get("resource").asText());
      main.put("singularName", r.get("singularResource").asText());
      main.put("namespaced", r.get("scope").asText().equals("Namespaced"));
      main.setAll((ObjectNode) r.get("responseKind"));
      main.set("verbs", r.get("verbs"));
      if (r.has("shortNames")) {
        main.set("shortNames", r.get("shortNames"));
      }
      if (r.has("categories")) {
        main.set("categories", r.get("categories"));
      }
      out.add(main);
      for (JsonNode s : r.path("subresources")) {
        ObjectNode sub = m.createObjectNode();
        sub.put("name", r.get("resource").asText() + "/" + s.get("subresource").asText());
        sub.put("singularName", "");
        sub.put("namespaced", r.get("scope").asText().equals("Namespaced"));
        sub.setAll((ObjectNode) s.get("responseKind"));
        sub.set("verbs", s.get("verbs"));
        out.add(sub);
      }
    }
    out.sort((a, b) -> a.get("name").asText().compareTo(b.get("name").asText()));
    return m.valueToTree(out);
  }

  private static String group(String name) {
    String gv = "{\"groupVersion\":\"" + name + "/v1\",\"version\":\"v1\"}";
    return "{\"name\":\"" + name + "\",\"versions\":[" + gv + "],\"preferredVersion\":" + gv + "}";
  }

  /** An APIResource up to, without, its storage hash and closing brace. */
  private static String resource(
      String name, String singular, String kind, String shortName, String category) {
    return "{\"name\":\""
        + name
        + "\",\"singularName\":\""
        + singular
        + "\",\"namespaced\":true,\"kind\":\""
        + kind
        + "\",\"verbs\":"
        + ALL_VERBS
        + (shortName == null ? "" : ",\"shortNames\":[\"" + shortName + "\"]")
        + (category == null ? "" : ",\"categories\":[\"" + category + "\"]");
  }

  private static String sub(String name, String kind) {
    return "{\"name\":\""
        + name
        + "\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\""
        + kind
        + "\",\"verbs\":"
        + RW
        + "}";
  }

  private static String scale(String name) {
    return "{\"name\":\""
        + name
        + "\",\"singularName\":\"\",\"namespaced\":true,\"group\":\"autoscaling\","
        + "\"version\":\"v1\",\"kind\":\"Scale\",\"verbs\":"
        + RW
        + "}";
  }

  private Answer get(String path, String accept) {
    return discovery.answer(path, "timeout=32s", accept).orElseThrow();
  }

  private static String body(Answer a) {
    return new String(a.body(), StandardCharsets.UTF_8);
  }

  private JsonNode tree(Answer a) {
    return tree(body(a));
  }

  private JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
