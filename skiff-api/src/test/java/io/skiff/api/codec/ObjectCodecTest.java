package io.skiff.api.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class ObjectCodecTest {

  private final ObjectCodec codec = new ObjectCodec();

  private static byte[] json(String s) {
    return s.replace('\'', '"').getBytes(UTF_8);
  }

  private static final String DEPLOYMENT =
      "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'}},"
          + "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
          + "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':1<RU>}},"
          + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'nginx',"
          + "'image':'nginx:1.14.2'<C>,'resources':{'limits':{'cpu':'500m'}},"
          + "'ports':[{'containerPort':80}]}]}}}}";

  private static String deployment(String inRollingUpdate, String inContainer) {
    return DEPLOYMENT.replace("<RU>", inRollingUpdate).replace("<C>", inContainer);
  }

  @Test
  void aCleanBodyHasNoStrictErrors() throws Exception {
    ParsedBody parsed = codec.parse(json(deployment("", "")), Deployment.class);
    assertThat(parsed.strictErrors()).isEmpty();
    Deployment d = codec.toObject(parsed.tree(), Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal())
        .isEqualTo("25%");
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
  }

  @Test
  void unknownFieldsAreNamedByTheirPathAsUpstreamDoes() throws Exception {
    ParsedBody parsed =
        codec.parse(json(deployment(",'partition':2", ",'imagee':'typo'")), Deployment.class);
    assertThat(parsed.unknownFields())
        .containsExactly(
            "spec.strategy.rollingUpdate.partition", "spec.template.spec.containers[0].imagee");
    assertThat(parsed.strictErrors())
        .containsExactly(
            "unknown field \"spec.strategy.rollingUpdate.partition\"",
            "unknown field \"spec.template.spec.containers[0].imagee\"");
  }

  @Test
  void unknownFieldsAreDroppedWhenBinding() throws Exception {
    ParsedBody parsed = codec.parse(json(deployment(",'partition':2", "")), Deployment.class);
    Deployment d = codec.toObject(parsed.tree(), Deployment.class);
    String stored = new String(codec.encode(d), UTF_8);
    assertThat(stored).doesNotContain("partition").contains("\"maxSurge\":\"25%\"");
    assertThat(stored).contains("\"cpu\":\"500m\"");
  }

  @Test
  void duplicateFieldsAreFoundAndTheLastOneWins() throws Exception {
    ParsedBody parsed =
        codec.parse(
            json("{'kind':'Pod','metadata':{'name':'a','name':'b'},'spec':{'containers':[]}}"),
            Pod.class);
    assertThat(parsed.duplicateFields()).containsExactly("metadata.name");
    assertThat(parsed.strictErrors()).containsExactly("duplicate field \"metadata.name\"");
    assertThat(codec.toObject(parsed.tree(), Pod.class).getMetadata().getName()).isEqualTo("b");
  }

  @Test
  void freeFormMapsAreNotCheckedForUnknownFields() throws Exception {
    ParsedBody parsed =
        codec.parse(
            json(
                "{'kind':'Pod','metadata':{'name':'a','labels':{'anything':'goes'},"
                    + "'annotations':{'x/y':'z'}},'spec':{'nodeSelector':{'disk':'ssd'},"
                    + "'containers':[{'name':'c','image':'i','env':[{'name':'A','value':'1'}]}]}}"),
            Pod.class);
    assertThat(parsed.strictErrors()).isEmpty();
  }

  @Test
  void malformedBodiesAreRejected() {
    assertThatThrownBy(() -> codec.parse(json("{'kind':"), Pod.class))
        .isInstanceOf(MalformedBodyException.class);
    assertThatThrownBy(() -> codec.parse(json("[1,2]"), Pod.class))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessage("request body must be a JSON object");
    assertThatThrownBy(() -> codec.parse(new byte[0], Pod.class))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessage("request body is empty");
    assertThatThrownBy(() -> codec.parse(json("{} {}"), Pod.class))
        .isInstanceOf(MalformedBodyException.class);
  }

  @Test
  void wrongValueTypesNameTheField() throws Exception {
    ParsedBody parsed =
        codec.parse(json("{'kind':'Deployment','spec':{'replicas':'three'}}"), Deployment.class);
    assertThatThrownBy(() -> codec.toObject(parsed.tree(), Deployment.class))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("spec.replicas")
        .hasMessageContaining("int32");
  }

  @Test
  void storedBytesDecodeToAnEqualObject() throws Exception {
    ParsedBody parsed = codec.parse(json(deployment("", "")), Deployment.class);
    Deployment d = codec.toObject(parsed.tree(), Deployment.class);
    assertThat(codec.decodeStored(codec.encode(d), Deployment.class)).isEqualTo(d);
  }

  @Test
  void leaseMicroTimesRoundTripInKubernetesFormat() throws Exception {
    Lease lease = new Lease();
    lease.setMetadata(new ObjectMeta());
    lease.getMetadata().setName("node-1");
    LeaseSpec spec = new LeaseSpec();
    spec.setHolderIdentity("node-1");
    spec.setLeaseDurationSeconds(40);
    spec.setRenewTime(ZonedDateTime.parse("2024-01-01T00:00:10.123456Z"));
    spec.setAcquireTime(ZonedDateTime.parse("2024-01-01T00:00:00Z"));
    lease.setSpec(spec);

    String json = new String(codec.encode(lease), UTF_8);

    assertThat(json)
        .contains("\"renewTime\":\"2024-01-01T00:00:10.123456Z\"")
        .contains("\"acquireTime\":\"2024-01-01T00:00:00.000000Z\"");
    assertThat(codec.parse(json.getBytes(UTF_8), Lease.class).strictErrors()).isEmpty();
    Lease back = codec.decodeStored(json.getBytes(UTF_8), Lease.class);
    assertThat(back.getSpec().getRenewTime().toInstant())
        .isEqualTo(spec.getRenewTime().toInstant());
  }
}
