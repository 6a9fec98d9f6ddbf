package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A patch whose result names a resourceVersion is conditional on it, as upstream's Store.Update
 * makes every update: fabric8's {@code edit()} puts the version it read into its JSON patch.
 */
class PatchResourceVersionTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  private String rv(Handler.Result r) {
    return r.body().at("/metadata/resourceVersion").asText();
  }

  @Test
  void aPatchCarryingAStaleResourceVersionConflicts() {
    String stale = rv(h.post(CM, configMap("a")).expect(201));
    h.call("PATCH", CM + "/a", "application/merge-patch+json", json("{'data':{'x':'1'}}"))
        .expect(200);

    Handler.Result conflict =
        h.call(
                "PATCH",
                CM + "/a",
                "application/json-patch+json",
                json(
                    "[{'op':'add','path':'/metadata/resourceVersion','value':'"
                        + stale
                        + "'},{'op':'add','path':'/data/y','value':'2'}]"))
            .expect(409);
    assertThat(conflict.message())
        .isEqualTo(
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified;"
                + " please apply your changes to the latest version and try again");
    assertThat(conflict.body().at("/reason").asText()).isEqualTo("Conflict");
    assertThat(h.get(CM + "/a").expect(200).body().at("/data").has("y")).isFalse();
  }

  @Test
  void aPatchCarryingTheCurrentResourceVersionOrNoneApplies() {
    String current = rv(h.post(CM, configMap("a")).expect(201));
    Handler.Result patched =
        h.call(
                "PATCH",
                CM + "/a",
                "application/merge-patch+json; charset=utf-8",
                json("{'metadata':{'resourceVersion':'" + current + "'},'data':{'x':'1'}}"))
            .expect(200);
    assertThat(Long.parseLong(rv(patched))).isGreaterThan(Long.parseLong(current));
    h.call("PATCH", CM + "/a", "application/strategic-merge-patch+json", json("{'data':{'y':'2'}}"))
        .expect(200);
    assertThat(h.get(CM + "/a").body().at("/data/y").asText()).isEqualTo("2");
  }

  @Test
  void aStatusPatchIsConditionalToo() {
    String deployments = "/apis/apps/v1/namespaces/default/deployments";
    String stale = rv(h.post(deployments, Handler.deployment("d")).expect(201));
    h.call(
            "PATCH",
            deployments + "/d/status",
            "application/merge-patch+json",
            json("{'status':{'replicas':1}}"))
        .expect(200);
    Handler.Result conflict =
        h.call(
                "PATCH",
                deployments + "/d/status",
                "application/merge-patch+json",
                json("{'metadata':{'resourceVersion':'" + stale + "'},'status':{'replicas':2}}"))
            .expect(409);
    assertThat(conflict.message())
        .startsWith("Operation cannot be fulfilled on deployments.apps \"d\"");
  }
}
