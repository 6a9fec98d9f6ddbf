package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PersistentVolumes as upstream's registry stores them: cluster-scoped, defaulted, born Pending
 * with the time of that phase (PersistentVolumeLastPhaseTransitionTime, GA in 1.31), a phase change
 * through /status stamped with the time of the change, and the deleted object returned.
 */
class PersistentVolumeStorageTest {

  private static final String PVS = "/api/v1/persistentvolumes";

  private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T10:00:00Z"));
  private final Handler h = new Handler(clock);

  @AfterEach
  void close() {
    h.close();
  }

  private static String volume(String name) {
    return json(
        "{'apiVersion':'v1','kind':'PersistentVolume','metadata':{'name':'"
            + name
            + "'},'spec':{'capacity':{'storage':'1024Mi'},'accessModes':['ReadWriteOnce'],"
            + "'hostPath':{'path':'/data/"
            + name
            + "'}},'status':{'phase':'Bound'}}");
  }

  @Test
  void aNewVolumeIsPendingSinceItsCreationWhateverItsBodySaid() {
    JsonNode pv = h.post(PVS, volume("pv1")).expect(201).body();
    assertThat(pv.at("/metadata/namespace").isMissingNode()).isTrue();
    assertThat(pv.at("/status"))
        .isEqualTo(
            Handler.JSON
                .createObjectNode()
                .put("phase", "Pending")
                .put("lastPhaseTransitionTime", "2025-03-01T10:00:00Z"));
    assertThat(pv.at("/spec/capacity/storage").asText()).isEqualTo("1Gi");
    assertThat(pv.at("/spec/persistentVolumeReclaimPolicy").asText()).isEqualTo("Retain");
    assertThat(pv.at("/spec/volumeMode").asText()).isEqualTo("Filesystem");
    assertThat(pv.at("/spec/hostPath/type").asText()).isEmpty();
  }

  @Test
  void aPhaseChangeIsStampedAndAnUnchangedPhaseKeepsItsTime() {
    JsonNode pv = h.post(PVS, volume("pv1")).expect(201).body();
    clock.advance(Duration.ofSeconds(42));
    ObjectNode bound = pv.deepCopy();
    ((ObjectNode) bound.get("status")).put("phase", "Bound");
    JsonNode written = h.put(PVS + "/pv1/status", bound.toString()).expect(200).body();
    assertThat(written.at("/status/phase").asText()).isEqualTo("Bound");
    assertThat(written.at("/status/lastPhaseTransitionTime").asText())
        .isEqualTo("2025-03-01T10:00:42Z");

    clock.advance(Duration.ofSeconds(10));
    ObjectNode same = written.deepCopy();
    ((ObjectNode) same.get("status")).remove("lastPhaseTransitionTime");
    ((ObjectNode) same.get("status")).put("message", "still bound");
    JsonNode again = h.put(PVS + "/pv1/status", same.toString()).expect(200).body();
    assertThat(again.at("/status/lastPhaseTransitionTime").asText())
        .isEqualTo("2025-03-01T10:00:42Z");

    ObjectNode stamped = again.deepCopy();
    ((ObjectNode) stamped.get("status"))
        .put("phase", "Released")
        .put("lastPhaseTransitionTime", "2025-01-01T00:00:00Z");
    assertThat(
            h.put(PVS + "/pv1/status", stamped.toString())
                .expect(200)
                .body()
                .at("/status/lastPhaseTransitionTime")
                .asText())
        .isEqualTo("2025-01-01T00:00:00Z");
  }

  @Test
  void theMainEndpointCannotMoveThePhase() {
    JsonNode pv = h.post(PVS, volume("pv1")).expect(201).body();
    ObjectNode bound = pv.deepCopy();
    ((ObjectNode) bound.get("status")).put("phase", "Bound");
    assertThat(
            h.put(PVS + "/pv1", bound.toString()).expect(200).body().at("/status/phase").asText())
        .isEqualTo("Pending");
  }

  @Test
  void anInvalidVolumeIsA422WithUpstreamsFieldPaths() {
    Handler.Result r =
        h.post(
                PVS,
                json(
                    "{'apiVersion':'v1','kind':'PersistentVolume','metadata':{'name':'bad'},"
                        + "'spec':{'capacity':{'storage':'1Gi'}}}"))
            .expect(422);
    assertThat(r.message())
        .isEqualTo(
            "PersistentVolume \"bad\" is invalid: [spec.accessModes: Required value, spec:"
                + " Required value: must specify a volume type]");
    assertThat(h.get(PVS + "/bad").status()).isEqualTo(404);
  }

  @Test
  void deletingAVolumeAnswersWithTheVolume() {
    h.post(PVS, volume("pv1")).expect(201);
    JsonNode deleted = h.delete(PVS + "/pv1", null).expect(200).body();
    assertThat(deleted.at("/kind").asText()).isEqualTo("PersistentVolume");
    assertThat(deleted.at("/metadata/name").asText()).isEqualTo("pv1");
    assertThat(h.get(PVS + "/pv1").status()).isEqualTo(404);
  }
}
