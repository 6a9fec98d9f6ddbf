package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DELETE takes its options from the body when there is one and from the query otherwise, as
 * upstream's delete handlers do: {@code kubectl delete --dry-run=server} sends {@code dryRun} in
 * the body only, and must not delete.
 */
class DeleteOptionsTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void aDryRunInTheBodyDeletesNothing() {
    h.post(CM, configMap("a")).expect(201);
    long before = h.store.currentRevision();
    h.delete(CM + "/a", json("{'kind':'DeleteOptions','apiVersion':'v1','dryRun':['All']}"))
        .expect(200);
    h.get(CM + "/a").expect(200);
    h.call("DELETE", CM, "application/json", json("{'dryRun':['All']}")).expect(200);
    h.get(CM + "/a").expect(200);
    assertThat(h.store.currentRevision()).isEqualTo(before);
  }

  @Test
  void withoutABodyTheQueryCarriesTheOptions() {
    h.post(DEPLOYMENTS, Handler.deployment("d")).expect(201);
    Handler.Result marked = h.delete(DEPLOYMENTS + "/d?propagationPolicy=Orphan", null).expect(200);
    assertThat(marked.body().at("/metadata/finalizers/0").asText()).isEqualTo("orphan");
    assertThat(marked.body().at("/metadata/deletionTimestamp").asText()).isNotEmpty();

    h.post(CM, configMap("b")).expect(201);
    h.delete(CM + "/b?dryRun=All", null).expect(200);
    h.get(CM + "/b").expect(200);
  }

  @Test
  void aBodyWinsOverTheQuery() {
    h.post(CM, configMap("a")).expect(201);
    h.delete(CM + "/a?dryRun=All", json("{'propagationPolicy':'Background'}")).expect(200);
    h.get(CM + "/a").expect(404);
  }

  @Test
  void invalidOptionsAreRefusedWithUpstreamsStatus() {
    h.post(CM, configMap("a")).expect(201);
    Handler.Result bogus = h.delete(CM + "/a", json("{'propagationPolicy':'Bogus'}")).expect(422);
    assertThat(bogus.message())
        .isEqualTo(
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value:"
                + " \"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\","
                + " \"nil\"");
    assertThat(bogus.body().at("/details/kind").asText()).isEqualTo("DeleteOptions");
    assertThat(bogus.body().at("/details/group").asText()).isEqualTo("meta.k8s.io");
    assertThat(bogus.body().at("/details/causes/0/field").asText()).isEqualTo("propagationPolicy");

    Handler.Result both =
        h.delete(CM + "/a", json("{'propagationPolicy':'Orphan','orphanDependents':true}"))
            .expect(422);
    assertThat(both.message())
        .isEqualTo(
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value:"
                + " \"Orphan\": orphanDependents and deletionPropagation cannot be both set");

    Handler.Result dryRun = h.delete(CM + "/a?dryRun=true", null).expect(422);
    assertThat(dryRun.message())
        .isEqualTo(
            "DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value:"
                + " []string{\"true\"}: supported values: \"All\"");
    h.get(CM + "/a").expect(200);

    assertThat(h.delete(CM + "/a?gracePeriodSeconds=soon", null).expect(400).message())
        .isEqualTo("strconv.ParseInt: parsing \"soon\": invalid syntax");
  }

  @Test
  void aPendingDeletionWithOrphanDependentsFalseIsAccepted() {
    String held =
        Handler.deployment("d")
            .replace("{\"name\":\"d\"}", "{\"name\":\"d\",\"finalizers\":[\"example.com/hold\"]}");
    h.post(DEPLOYMENTS, held).expect(201);
    Handler.Result accepted =
        h.delete(DEPLOYMENTS + "/d", json("{'orphanDependents':false}")).expect(202);
    assertThat(accepted.body().at("/metadata/deletionTimestamp").asText()).isNotEmpty();
    assertThat(accepted.body().at("/metadata/finalizers").toString())
        .isEqualTo("[\"example.com/hold\"]");
  }
}
