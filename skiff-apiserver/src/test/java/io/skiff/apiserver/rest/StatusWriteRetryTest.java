package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.apiserver.testing.InstrumentedStore;
import io.skiff.clock.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A PUT to /status that loses a race to another writer: retried unless it named a version. */
class StatusWriteRetryTest {

  private static final String PODS = "/api/v1/namespaces/default/pods";
  private static final String KEY = "/registry/core/pods/default/web";

  private final InstrumentedStore store = new InstrumentedStore();
  private final Handler api = new Handler(Clock.system(), store);

  @AfterEach
  void close() {
    api.close();
  }

  private String created() {
    return api.post(
            PODS,
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},"
                    + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}"))
        .expect(201)
        .body()
        .at("/metadata/resourceVersion")
        .asText();
  }

  @Test
  void anUnconditionalStatusWriteIsRetriedOnTheNewerVersion() {
    created();
    store.beatNextUpdateOf(KEY);

    Handler.Result r =
        api.put(
            PODS + "/web/status",
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},'status':{'phase':'Running'}}"));

    r.expect(200);
    assertThat(r.body().at("/status/phase").asText()).isEqualTo("Running");
    assertThat(api.get(PODS + "/web").expect(200).body().at("/status/phase").asText())
        .isEqualTo("Running");
  }

  @Test
  void aStatusWriteThatNamedTheVersionItReadIsAConflict() {
    String read = created();
    store.beatNextUpdateOf(KEY);

    api.put(
            PODS + "/web/status",
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','resourceVersion':'"
                    + read
                    + "'},'status':{'phase':'Running'}}"))
        .expect(409);
  }
}
