package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A patch that names {@code metadata.uid} only applies to the object with that uid: the uid is
 * immutable, so another one is refused as invalid. The garbage collector relies on it to never
 * remove owner references from a namesake that replaced the object it looked at.
 */
class PatchUidPreconditionTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void aPatchWithAnotherUidIsInvalidAndChangesNothing() {
    String uid = h.post(CM, configMap("a")).expect(201).body().at("/metadata/uid").asText();

    Handler.Result refused =
        h.call(
                "PATCH",
                CM + "/a",
                "application/strategic-merge-patch+json",
                json("{'metadata':{'uid':'other','labels':{'x':'y'}}}"))
            .expect(422);
    assertThat(refused.message())
        .isEqualTo(
            "ConfigMap \"a\" is invalid: metadata.uid: Invalid value: \"other\": field is"
                + " immutable");
    assertThat(h.get(CM + "/a").body().at("/metadata/labels").isMissingNode()).isTrue();

    h.call(
            "PATCH",
            CM + "/a",
            "application/strategic-merge-patch+json",
            json("{'metadata':{'uid':'" + uid + "','labels':{'x':'y'}}}"))
        .expect(200);
    assertThat(h.get(CM + "/a").body().at("/metadata/labels/x").asText()).isEqualTo("y");
  }

  @Test
  void anUpdateWithoutAUidKeepsTheStoredOne() {
    String uid = h.post(CM, configMap("a")).expect(201).body().at("/metadata/uid").asText();
    Handler.Result updated =
        h.call(
                "PUT",
                CM + "/a",
                "application/json",
                json(
                    "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a'},"
                        + "'data':{'k':'v'}}"))
            .expect(200);
    assertThat(updated.body().at("/metadata/uid").asText()).isEqualTo(uid);
  }
}
