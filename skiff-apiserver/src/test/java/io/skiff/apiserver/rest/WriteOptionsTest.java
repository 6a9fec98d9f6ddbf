package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.configMap;
import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code dryRun} and {@code fieldValidation} of a create, update or patch are checked as
 * upstream checks them: a value it does not know is a 422, not a real write.
 */
class WriteOptionsTest {

  private static final String CM = "/api/v1/namespaces/default/configmaps";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void anUnknownDryRunIsRefusedAndWritesNothing() {
    Handler.Result create = h.post(CM + "?dryRun=true", configMap("a")).expect(422);
    assertThat(create.message())
        .isEqualTo(
            "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value:"
                + " []string{\"true\"}: supported values: \"All\"");
    assertThat(create.body().at("/details/causes/0/reason").asText())
        .isEqualTo("FieldValueNotSupported");
    h.get(CM + "/a").expect(404);

    h.post(CM, configMap("a")).expect(201);
    Handler.Result patch =
        h.call(
                "PATCH",
                CM + "/a?dryRun=1",
                "application/merge-patch+json",
                json("{'data':{'x':'1'}}"))
            .expect(422);
    assertThat(patch.message()).startsWith("PatchOptions.meta.k8s.io \"\" is invalid: dryRun:");
  }

  @Test
  void anUnknownFieldValidationIsRefused() {
    h.post(CM, configMap("a")).expect(201);
    Handler.Result update =
        h.call("PUT", CM + "/a?fieldValidation=Loose", "application/json", configMap("a"))
            .expect(422);
    assertThat(update.message())
        .isEqualTo(
            "UpdateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value:"
                + " \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
  }

  @Test
  void dryRunAllAnswersWithoutWriting() {
    h.post(CM, configMap("a")).expect(201);
    long before = h.store.currentRevision();
    Handler.Result patched =
        h.call(
                "PATCH",
                CM + "/a?dryRun=All&fieldValidation=Strict",
                "application/merge-patch+json",
                json("{'data':{'x':'1'}}"))
            .expect(200);
    assertThat(patched.body().at("/data/x").asText()).isEqualTo("1");
    assertThat(h.get(CM + "/a").body().has("data")).isFalse();
    assertThat(h.store.currentRevision()).isEqualTo(before);
  }
}
