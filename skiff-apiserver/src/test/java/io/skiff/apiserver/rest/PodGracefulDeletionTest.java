package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pod on a node is deleted gracefully, and a deletion under way can only be shortened (upstream's
 * BeforeDelete): a repeated DELETE, such as the namespace controller's passes, must not cut a pod's
 * grace period short.
 */
class PodGracefulDeletionTest {

  private static final String PODS = "/api/v1/namespaces/default/pods";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  private static Instant at(JsonNode pod) {
    return Instant.parse(pod.at("/metadata/deletionTimestamp").asText());
  }

  @Test
  void aRepeatedDeleteLeavesAGracefulDeletionAloneAndAShorterGraceShortensIt() {
    h.post(
            PODS,
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'nodeName':'n1',"
                    + "'containers':[{'name':'c','image':'nginx'}]}}"))
        .expect(201);

    JsonNode marked = h.delete(PODS + "/p", null).expect(200).body();
    assertThat(marked.at("/metadata/deletionGracePeriodSeconds").asLong()).isEqualTo(30);

    JsonNode again =
        h.delete(PODS + "/p", json("{'propagationPolicy':'Background'}")).expect(200).body();
    assertThat(again.at("/metadata/resourceVersion").asText())
        .isEqualTo(marked.at("/metadata/resourceVersion").asText());
    h.delete(PODS + "/p", json("{'gracePeriodSeconds':45}")).expect(200);
    assertThat(
            h.get(PODS + "/p")
                .expect(200)
                .body()
                .at("/metadata/deletionGracePeriodSeconds")
                .asLong())
        .isEqualTo(30);

    JsonNode shorter = h.delete(PODS + "/p", json("{'gracePeriodSeconds':10}")).expect(200).body();
    assertThat(shorter.at("/metadata/deletionGracePeriodSeconds").asLong()).isEqualTo(10);
    assertThat(at(shorter)).isEqualTo(at(marked).minusSeconds(20));

    h.delete(PODS + "/p", json("{'gracePeriodSeconds':0}")).expect(200);
    h.get(PODS + "/p").expect(404);
  }
}
