package io.skiff.api.codec.protobuf;

import static io.skiff.api.codec.protobuf.Proto.envelope;
import static io.skiff.api.codec.protobuf.Proto.message;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.MalformedBodyException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProtobufDecoderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ProtobufDecoder DECODER = ProtobufDecoder.get();

  private static JsonNode json(String s) throws IOException {
    return MAPPER.readTree(s.replace('\'', '"'));
  }

  private static String text(JsonNode node) throws IOException {
    return MAPPER.writeValueAsString(node);
  }

  private static JsonNode decode(String apiVersion, String kind, Proto object) throws Exception {
    return DECODER.toJson(envelope(apiVersion, kind, object));
  }

  private static byte[] golden(String file) throws IOException {
    try (InputStream in =
        ProtobufDecoderTest.class.getResourceAsStream("/protobuf/kubectl/" + file)) {
      return in.readAllBytes();
    }
  }

  // ---- media type and coverage ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/vnd.kubernetes.protobuf",
        "application/vnd.kubernetes.protobuf; charset=utf-8",
        " Application/VND.Kubernetes.Protobuf "
      })
  void recognisesTheMediaType(String contentType) {
    assertThat(ProtobufDecoder.isProtobuf(contentType)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"application/json", "application/vnd.kubernetes.protobuf+json", "", "text/plain"})
  void tellsOtherMediaTypesApart(String contentType) {
    assertThat(ProtobufDecoder.isProtobuf(contentType)).isFalse();
    assertThat(ProtobufDecoder.isProtobuf(null)).isFalse();
  }

  @Test
  void everyServedKindAndSubresourceBodyHasASchema() {
    for (ResourceType t : ResourceRegistry.builtin().all()) {
      assertThat(DECODER.supports(t.apiVersion(), t.kind()))
          .as(t.apiVersion() + " " + t.kind())
          .isTrue();
      assertThat(DECODER.supports(t.type())).isTrue();
    }
    assertThat(DECODER.supports("autoscaling/v1", "Scale")).isTrue();
    assertThat(DECODER.supports("policy/v1", "Eviction")).isTrue();
    assertThat(DECODER.supports("v1", "Binding")).isTrue();
    assertThat(DECODER.supports("v1", "DeleteOptions")).isTrue();
    assertThat(DECODER.supports("apps/v1", "DeleteOptions")).isTrue();
    assertThat(DECODER.supports(DeleteOptions.class)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "v1,Foo",
    "v1,PodSpec",
    "v1,ObjectMeta",
    "example.com/v1,Widget",
    "apps/v2,Deployment",
    "rbac.authorization.k8s.io/v1,Role",
    "'',Pod"
  })
  void hasNoSchemaForOtherKinds(String apiVersion, String kind) {
    assertThat(DECODER.supports(apiVersion, kind)).isFalse();
  }

  // ---- Go's JSON for the decoded struct ----

  @Test
  void writesWhatGoWritesForAnEmptyStruct() throws Exception {
    // DeploymentSpec{}: selector is a pointer without omitempty, template a struct, containers a
    // slice without omitempty, creationTimestamp the zero Time.
    JsonNode d = decode("apps/v1", "Deployment", message().message(2, message()));
    assertThat(text(d))
        .isEqualTo(
            text(
                json(
                    "{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'creationTimestamp':null},"
                        + "'spec':{'selector':null,'template':{'metadata':{'creationTimestamp':null},"
                        + "'spec':{'containers':null}},'strategy':{}},'status':{}}")));
  }

  @Test
  void keepsPresentPointersAtZeroAndDropsZeroValuesWithOmitempty() throws Exception {
    Proto spec =
        message()
            .varint(1, 0) // replicas *int32 = 0
            .varint(5, 0) // minReadySeconds int32 omitempty
            .varint(7, 0) // paused bool omitempty
            .varint(6, 10); // revisionHistoryLimit
    JsonNode d = decode("apps/v1", "Deployment", message().message(2, spec));
    assertThat(d.at("/spec/replicas").intValue()).isZero();
    assertThat(d.at("/spec").has("minReadySeconds")).isFalse();
    assertThat(d.at("/spec").has("paused")).isFalse();
    assertThat(d.at("/spec/revisionHistoryLimit").intValue()).isEqualTo(10);
  }

  @Test
  void writesTimesAsMetav1Does() throws Exception {
    Proto meta =
        message()
            .string(1, "p")
            .message(8, message().varint(1, 1_700_000_000L).varint(2, 999_999_999))
            .message(9, message().varint(1, 5)); // 1970-01-01T00:00:05Z
    JsonNode pod = decode("v1", "Pod", message().message(1, meta));
    assertThat(pod.at("/metadata/creationTimestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(pod.at("/metadata/deletionTimestamp").asText()).isEqualTo("1970-01-01T00:00:05Z");

    // An empty Time is the zero time, as is 0001-01-01T00:00:00Z: null either way.
    JsonNode zero =
        decode(
            "v1",
            "Pod",
            message().message(1, message().message(9, message().varint(1, -62_135_596_800L))));
    assertThat(zero.at("/metadata/deletionTimestamp").isNull()).isTrue();
    assertThat(zero.at("/metadata/creationTimestamp").isNull()).isTrue();
  }

  @Test
  void writesMicroTimesWithSixDigits() throws Exception {
    Proto spec =
        message()
            .string(1, "holder")
            .message(3, message().varint(1, 1_700_000_000L).varint(2, 123_456_789))
            .message(4, message().varint(1, 1_700_000_001L));
    JsonNode lease = decode("coordination.k8s.io/v1", "Lease", message().message(2, spec));
    assertThat(lease.at("/spec/acquireTime").asText()).isEqualTo("2023-11-14T22:13:20.123456Z");
    assertThat(lease.at("/spec/renewTime").asText()).isEqualTo("2023-11-14T22:13:21.000000Z");
    assertThat(lease.at("/spec/holderIdentity").asText()).isEqualTo("holder");

    JsonNode event = decode("events.k8s.io/v1", "Event", message());
    assertThat(event.get("eventTime").isNull()).isTrue();
  }

  @Test
  void formatsYearsAsGoDoes() {
    assertThat(ProtoJson.rfc3339(Instant.parse("0999-01-02T03:04:05Z"), -1))
        .isEqualTo("0999-01-02T03:04:05Z");
    assertThat(ProtoJson.rfc3339(Instant.parse("2024-02-29T23:59:59.999999999Z"), 999_999))
        .isEqualTo("2024-02-29T23:59:59.999999Z");
  }

  @ParameterizedTest
  @CsvSource({
    "0,0s",
    "1,1ns",
    "999,999ns",
    "1500,1.5µs",
    "1000000,1ms",
    "1500000,1.5ms",
    "1000000000,1s",
    "1234567890,1.23456789s",
    "90000000000,1m30s",
    "3600000000000,1h0m0s",
    "5400000000000,1h30m0s",
    "-3000000000,-3s",
    "-9223372036854775808,-2562047h47m16.854775808s"
  })
  void formatsDurationsAsGoDoes(long nanos, String expected) {
    assertThat(ProtoJson.goDuration(nanos)).isEqualTo(expected);
  }

  @Test
  void writesIntOrStringByItsType() throws Exception {
    Proto probe =
        message()
            .message(
                1,
                message()
                    .message(
                        2,
                        message()
                            .string(1, "/")
                            .message(2, message().varint(1, 1).string(3, "http"))))
            .varint(2, 5);
    Proto container =
        message()
            .string(1, "c")
            .message(11, probe)
            .message(
                10,
                message()
                    .message(
                        1, message().message(3, message().message(1, message().varint(2, 8080)))));
    JsonNode pod = decode("v1", "Pod", message().message(2, message().message(2, container)));
    JsonNode c = pod.at("/spec/containers/0");
    // Probe inlines ProbeHandler: httpGet sits beside initialDelaySeconds.
    assertThat(text(c.get("readinessProbe")))
        .isEqualTo(text(json("{'httpGet':{'path':'/','port':'http'},'initialDelaySeconds':5}")));
    assertThat(text(c.get("livenessProbe"))).isEqualTo(text(json("{'tcpSocket':{'port':8080}}")));
  }

  @Test
  void rejectsAnImpossibleIntOrString() {
    Proto spec = message().message(3, message().varint(1, 7));
    assertThatThrownBy(() -> decode("policy/v1", "PodDisruptionBudget", message().message(2, spec)))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("IntOrString");
  }

  @Test
  void writesQuantitiesAndSortsMapKeys() throws Exception {
    Proto resources =
        message()
            .message(1, message().string(1, "memory").message(2, message().string(1, "128Mi")))
            .message(1, message().string(1, "cpu").message(2, message().string(1, "500m")))
            .message(2, message().string(1, "cpu")); // a Quantity-valued entry with no value
    Proto container = message().string(1, "c").message(8, resources);
    JsonNode pod = decode("v1", "Pod", message().message(2, message().message(2, container)));
    assertThat(text(pod.at("/spec/containers/0/resources")))
        .isEqualTo(text(json("{'limits':{'cpu':'500m','memory':'128Mi'},'requests':{'cpu':'0'}}")));
  }

  @Test
  void mapKeysRepeatedKeepTheLastValue() throws Exception {
    Proto meta = message().entry(11, "b", "1").entry(11, "a", "2").entry(11, "b", "3");
    JsonNode ns = decode("v1", "Namespace", message().message(1, meta));
    assertThat(text(ns.at("/metadata/labels"))).isEqualTo(text(json("{'a':'2','b':'3'}")));
  }

  @Test
  void writesBytesAsBase64AndKnowsNilFromEmpty() throws Exception {
    Proto secret =
        message()
            .message(2, message().string(1, "k").bytes(2, new byte[] {(byte) 0xff, 0, 1}))
            .message(2, message().string(1, "empty").bytes(2, new byte[0]))
            .message(2, message().string(1, "nil"));
    JsonNode s = decode("v1", "Secret", secret);
    assertThat(text(s.get("data"))).isEqualTo(text(json("{'empty':'','k':'/wAB','nil':null}")));
  }

  @Test
  void embedsRawExtensionAndFieldsV1AsJson() throws Exception {
    Proto managed =
        message()
            .string(1, "kubectl")
            .string(2, "Update")
            .message(4, message().varint(1, 1_700_000_000L))
            .string(6, "FieldsV1")
            .message(7, message().bytes(1, "{\"f:metadata\":{\"f:labels\":{}}}".getBytes(UTF_8)));
    Proto revision =
        message()
            .message(1, message().string(1, "r").message(17, managed))
            .message(2, message().bytes(1, "{\"spec\":{\"a\":[1,2]}}".getBytes(UTF_8)))
            .varint(3, 2);
    JsonNode r = decode("apps/v1", "ControllerRevision", revision);
    assertThat(text(r.get("data"))).isEqualTo(text(json("{'spec':{'a':[1,2]}}")));
    assertThat(r.get("revision").intValue()).isEqualTo(2);
    assertThat(text(r.at("/metadata/managedFields/0")))
        .isEqualTo(
            text(
                json(
                    "{'manager':'kubectl','operation':'Update','time':'2023-11-14T22:13:20Z',"
                        + "'fieldsType':'FieldsV1','fieldsV1':{'f:metadata':{'f:labels':{}}}}")));

    // A revision with no data: RawExtension with nil Raw writes null; revision (no omitempty) 0.
    JsonNode empty = decode("apps/v1", "ControllerRevision", message());
    assertThat(empty.get("data").isNull()).isTrue();
    assertThat(empty.get("revision").intValue()).isZero();
  }

  @Test
  void rejectsRawExtensionThatIsNotJson() {
    Proto revision = message().message(2, message().bytes(1, "{not json".getBytes(UTF_8)));
    assertThatThrownBy(() -> decode("apps/v1", "ControllerRevision", revision))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void inlinesEmbeddedStructs() throws Exception {
    Proto volume = message().string(1, "scratch").message(2, message().message(2, message()));
    Proto env =
        message()
            .string(1, "A")
            .message(
                3,
                message()
                    .message(3, message().message(1, message().string(1, "cm")).string(2, "key")));
    Proto container = message().string(1, "c").message(7, env);
    JsonNode pod =
        decode(
            "v1", "Pod", message().message(2, message().message(1, volume).message(2, container)));
    assertThat(text(pod.at("/spec/volumes/0")))
        .isEqualTo(text(json("{'name':'scratch','emptyDir':{}}")));
    assertThat(text(pod.at("/spec/containers/0/env/0")))
        .isEqualTo(
            text(json("{'name':'A','valueFrom':{'configMapKeyRef':{'name':'cm','key':'key'}}}")));
  }

  @Test
  void readsPackedAndUnpackedRepeatedNumbers() throws Exception {
    Proto packed = message().rawVarint(1).rawVarint(2).rawVarint(300);
    Proto onExitCodes = message().string(2, "In").bytes(3, packed.toBytes()).varint(3, 7);
    Proto rule = message().string(1, "FailJob").message(2, onExitCodes);
    Proto spec = message().message(11, message().message(1, rule));
    JsonNode job = decode("batch/v1", "Job", message().message(2, spec));
    assertThat(text(job.at("/spec/podFailurePolicy/rules/0/onExitCodes")))
        .isEqualTo(text(json("{'operator':'In','values':[1,2,300,7]}")));
  }

  @Test
  void mergesRepeatedOccurrencesOfAMessageAsProtobufDoes() throws Exception {
    Proto object =
        message()
            .message(1, message().string(1, "first").entry(11, "a", "1"))
            .message(1, message().string(1, "x").entry(11, "b", "2"));
    JsonNode ns = decode("v1", "Namespace", object);
    assertThat(ns.at("/metadata/name").asText()).isEqualTo("x");
    assertThat(text(ns.at("/metadata/labels"))).isEqualTo(text(json("{'a':'1','b':'2'}")));
  }

  @Test
  void skipsUnknownFieldsOfEveryWireType() throws Exception {
    Proto meta =
        message()
            .varint(99, 5)
            .string(1, "x")
            .fixed32(98, 1)
            .fixed64(97, 2)
            .string(96, "junk")
            .tag(95, 3)
            .varint(1, 1)
            .tag(95, 4);
    JsonNode ns = decode("v1", "Namespace", message().message(1, meta).varint(200, 1));
    assertThat(ns.at("/metadata/name").asText()).isEqualTo("x");
  }

  @Test
  void keepsRequiredZeroValues() throws Exception {
    // ServicePort.port has no omitempty; targetPort is an IntOrString struct, so always written.
    Proto service = message().message(2, message().message(1, message().string(1, "p")));
    JsonNode s = decode("v1", "Service", service);
    assertThat(text(s.at("/spec/ports/0")))
        .isEqualTo(text(json("{'name':'p','port':0,'targetPort':0}")));
  }

  // ---- the envelope and the endpoint's kind ----

  @Test
  void checksTheKindAgainstTheEndpoint() throws Exception {
    byte[] namespace = golden("namespace.v1.33.pb");
    assertThat(DECODER.toJson(namespace, Namespace.class).get("kind").asText())
        .isEqualTo("Namespace");
    assertThat(DECODER.toJson(namespace, "v1", "Namespace").at("/metadata/name").asText())
        .isEqualTo("x");
    assertThatThrownBy(() -> DECODER.toJson(namespace, Deployment.class))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("does not match the expected API version (apps/v1)");
    assertThatThrownBy(() -> DECODER.toJson(namespace, "v1", "Pod"))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("must be of type Pod");
  }

  @Test
  void anEnvelopeWithoutKindTakesTheEndpoints() throws Exception {
    byte[] body = envelope(null, null, message().message(1, message().string(1, "x")));
    JsonNode ns = DECODER.toJson(body, "v1", "Namespace");
    assertThat(ns.get("kind").asText()).isEqualTo("Namespace");
    assertThat(ns.get("apiVersion").asText()).isEqualTo("v1");
    assertThatThrownBy(() -> DECODER.toJson(body))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("'Kind' is missing");
  }

  @Test
  void rejectsAKindWithoutSchema() {
    byte[] body = envelope("example.com/v1", "Widget", message());
    assertThatThrownBy(() -> DECODER.toJson(body))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessage("no protobuf schema for Widget in version \"example.com/v1\"");
  }

  @Test
  void decodesDeleteOptionsOfAnyGroupVersion() throws Exception {
    Proto options = message().varint(1, 0).string(4, "Foreground").string(5, "All");
    JsonNode d =
        DECODER.toJson(envelope("apps/v1", "DeleteOptions", options), "apps/v1", "DeleteOptions");
    assertThat(text(d))
        .isEqualTo(
            text(
                json(
                    "{'kind':'DeleteOptions','apiVersion':'apps/v1','gracePeriodSeconds':0,"
                        + "'propagationPolicy':'Foreground','dryRun':['All']}")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "k", "k8s", "k8z\0", "{\"kind\":\"Namespace\"}"})
  void rejectsBodiesWithoutTheMagic(String body) {
    assertThatThrownBy(() -> DECODER.toJson(body.getBytes(UTF_8)))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("k8s envelope");
  }

  @Test
  void rejectsAWrongWireType() {
    Proto meta = message().varint(1, 5); // name is a string
    assertThatThrownBy(() -> decode("v1", "Namespace", message().message(1, meta)))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("wrong wire type 0 for field name");
  }

  @Test
  void everyTruncationOfARealBodyIsMalformedNotACrash() throws Exception {
    for (String name : new String[] {"deployment", "secret", "cronjob", "service-loadbalancer"}) {
      byte[] body = golden(name + ".v1.33.pb");
      for (int n = 0; n < body.length; n++) {
        byte[] cut = Arrays.copyOf(body, n);
        try {
          DECODER.toJson(cut);
        } catch (MalformedBodyException expected) {
          // fine: a truncated body may also end at a field boundary and decode
        }
      }
    }
  }

  @Test
  void corruptedBodiesAreMalformedNotACrash() throws Exception {
    Random random = new Random(42);
    byte[] body = golden("cronjob.v1.33.pb");
    for (int i = 0; i < 5000; i++) {
      byte[] bad = body.clone();
      for (int j = 0; j < 1 + random.nextInt(4); j++) {
        bad[4 + random.nextInt(bad.length - 4)] = (byte) random.nextInt(256);
      }
      try {
        DECODER.toJson(bad);
      } catch (MalformedBodyException expected) {
        // fine
      }
    }
  }

  @Test
  void aTruncatedBodyNamesTheProblem() throws Exception {
    byte[] body = golden("deployment.v1.33.pb");
    assertThatThrownBy(() -> DECODER.toJson(Arrays.copyOf(body, body.length - 3)))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageStartingWith("invalid protobuf body: ");
  }
}
