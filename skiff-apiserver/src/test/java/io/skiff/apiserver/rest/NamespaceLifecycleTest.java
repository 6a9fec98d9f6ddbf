package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A namespace's life as upstream's namespace storage and NamespaceLifecycle admission lead it: the
 * {@code kubernetes} finalizer from creation, a DELETE that only starts termination, {@code
 * /finalize} as the only way to remove spec finalizers, and the namespace gone once none remain.
 */
class NamespaceLifecycleTest {

  private static final String NAMESPACES = "/api/v1/namespaces";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  private static String namespace(String name) {
    return json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'" + name + "'}}");
  }

  private Handler.Result put(String path, JsonNode body) {
    return h.call("PUT", path, "application/json", body.toString());
  }

  @Test
  void aNewNamespaceHasTheKubernetesFinalizer() {
    JsonNode created = h.post(NAMESPACES, namespace("team")).expect(201).body();
    assertThat(created.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
    assertThat(created.at("/status/phase").asText()).isEqualTo("Active");
    // The system namespaces are created through the same path.
    assertThat(h.get(NAMESPACES + "/default").expect(200).body().at("/spec/finalizers/0").asText())
        .isEqualTo("kubernetes");
  }

  @Test
  void deleteStartsTerminationAndKeepsTheNamespace() {
    h.post(NAMESPACES, namespace("team")).expect(201);
    h.post(NAMESPACES + "/team/configmaps", configMap("c")).expect(201);
    // Namespaces cached, as every cluster with a namespace informer has them: admission must see
    // the deletion the store has, whether or not the cache has caught up with it.
    h.get(NAMESPACES).expect(200);

    JsonNode marked = h.delete(NAMESPACES + "/team", null).expect(200).body();
    assertThat(marked.path("kind").asText()).isEqualTo("Namespace");
    assertThat(marked.at("/metadata/deletionTimestamp").asText()).isNotEmpty();
    assertThat(marked.at("/status/phase").asText()).isEqualTo("Terminating");
    assertThat(marked.at("/spec/finalizers/0").asText()).isEqualTo("kubernetes");

    // Still there, contents too, but closed to new content.
    h.get(NAMESPACES + "/team").expect(200);
    h.get(NAMESPACES + "/team/configmaps/c").expect(200);
    Handler.Result refused = h.post(NAMESPACES + "/team/configmaps", configMap("d")).expect(403);
    assertThat(refused.message())
        .isEqualTo(
            "configmaps \"d\" is forbidden: unable to create new content in namespace team"
                + " because it is being terminated");

    // A second DELETE changes nothing while the finalizer is there, and is not an error.
    String rv = marked.at("/metadata/resourceVersion").asText();
    JsonNode again = h.delete(NAMESPACES + "/team", null).expect(200).body();
    assertThat(again.at("/metadata/resourceVersion").asText()).isEqualTo(rv);
    assertThat(again.at("/metadata/deletionTimestamp").asText())
        .isEqualTo(marked.at("/metadata/deletionTimestamp").asText());
  }

  @Test
  void theNamespaceGoesWhenFinalizeRemovesTheLastFinalizer() {
    h.post(NAMESPACES, namespace("team")).expect(201);
    JsonNode marked = h.delete(NAMESPACES + "/team", null).expect(200).body();

    ((ObjectNode) marked.path("spec")).putArray("finalizers");
    JsonNode last = put(NAMESPACES + "/team/finalize", marked).expect(200).body();
    assertThat(last.at("/metadata/name").asText()).isEqualTo("team");
    h.get(NAMESPACES + "/team").expect(404);
  }

  @Test
  void finalizeOfANamespaceNotBeingDeletedOnlyChangesItsFinalizers() {
    JsonNode created = h.post(NAMESPACES, namespace("team")).expect(201).body();
    ObjectNode body = created.deepCopy();
    ((ObjectNode) body.path("spec")).putArray("finalizers").add("example.com/keep");
    ((ObjectNode) body.path("status")).put("phase", "Terminating");
    JsonNode finalized = put(NAMESPACES + "/team/finalize", body).expect(200).body();
    assertThat(finalized.at("/spec/finalizers").toString()).isEqualTo("[\"example.com/keep\"]");
    assertThat(finalized.at("/status/phase").asText()).isEqualTo("Active");

    Handler.Result invalid =
        put(
                NAMESPACES + "/team/finalize",
                tree(
                    json(
                        "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'team'},"
                            + "'spec':{'finalizers':['nope']}}")))
            .expect(422);
    assertThat(invalid.message()).contains("spec.finalizers[0]");
  }

  @Test
  void aPlainUpdateCannotRemoveSpecFinalizers() {
    JsonNode created = h.post(NAMESPACES, namespace("team")).expect(201).body();
    ObjectNode body = created.deepCopy();
    ((ObjectNode) body.path("spec")).putArray("finalizers");
    ((ObjectNode) body.path("metadata")).putObject("labels").put("x", "y");
    JsonNode updated = put(NAMESPACES + "/team", body).expect(200).body();
    assertThat(updated.at("/metadata/labels/x").asText()).isEqualTo("y");
    assertThat(updated.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
  }

  @Test
  void finalizeOnlyAcceptsPut() {
    h.post(NAMESPACES, namespace("team")).expect(201);
    h.get(NAMESPACES + "/team/finalize").expect(405);
    h.call(
            "PATCH",
            NAMESPACES + "/team/finalize",
            "application/merge-patch+json",
            json("{'spec':{'finalizers':null}}"))
        .expect(405);
  }

  @Test
  void aNamespaceWithoutSpecFinalizersIsRemovedByASecondDelete() {
    JsonNode created = h.post(NAMESPACES, namespace("team")).expect(201).body();
    ObjectNode body = created.deepCopy();
    ((ObjectNode) body.path("spec")).putArray("finalizers");
    put(NAMESPACES + "/team/finalize", body).expect(200);

    // Upstream's first DELETE always only marks; with nothing to finalize, the next one removes.
    h.delete(NAMESPACES + "/team", null).expect(200);
    h.get(NAMESPACES + "/team").expect(200);
    JsonNode removed = h.delete(NAMESPACES + "/team", null).expect(200).body();
    assertThat(removed.path("kind").asText()).isEqualTo("Namespace");
    h.get(NAMESPACES + "/team").expect(404);
  }

  @Test
  void thePropagationPolicyBecomesTheNamespacesGcFinalizer() {
    h.post(NAMESPACES, namespace("a")).expect(201);
    JsonNode orphan =
        h.delete(NAMESPACES + "/a", json("{'propagationPolicy':'Orphan'}")).expect(200).body();
    assertThat(orphan.at("/metadata/finalizers").toString()).isEqualTo("[\"orphan\"]");

    h.post(NAMESPACES, namespace("b")).expect(201);
    JsonNode foreground =
        h.delete(NAMESPACES + "/b", json("{'propagationPolicy':'Foreground'}")).expect(200).body();
    assertThat(foreground.at("/metadata/finalizers").toString())
        .isEqualTo("[\"foregroundDeletion\"]");

    h.post(NAMESPACES, namespace("c")).expect(201);
    JsonNode background =
        h.delete(NAMESPACES + "/c", json("{'propagationPolicy':'Background'}")).expect(200).body();
    assertThat(background.at("/metadata/finalizers").isMissingNode()).isTrue();
  }

  @Test
  void aUidPreconditionThatDoesNotMatchConflicts() {
    JsonNode created = h.post(NAMESPACES, namespace("team")).expect(201).body();
    Handler.Result conflict =
        h.delete(NAMESPACES + "/team", json("{'preconditions':{'uid':'other'}}")).expect(409);
    assertThat(conflict.message())
        .isEqualTo(
            "Operation cannot be fulfilled on namespaces \"team\": Precondition failed: UID in"
                + " precondition: other, UID in object meta: "
                + created.at("/metadata/uid").asText());
    assertThat(h.get(NAMESPACES + "/team").body().at("/metadata/deletionTimestamp").isMissingNode())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "kube-system", "kube-public"})
  void theSystemNamespacesCannotBeDeleted(String name) {
    Handler.Result refused = h.delete(NAMESPACES + "/" + name, null).expect(403);
    assertThat(refused.message())
        .isEqualTo("namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
    assertThat(refused.body().path("reason").asText()).isEqualTo("Forbidden");
    assertThat(
            h.get(NAMESPACES + "/" + name).body().at("/metadata/deletionTimestamp").isMissingNode())
        .isTrue();
  }

  @Test
  void kubeNodeLeaseIsNotImmortal() {
    h.delete(NAMESPACES + "/kube-node-lease", null).expect(200);
  }

  private JsonNode tree(String s) {
    try {
      return Handler.JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
