package io.skiff.api.codec.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.codec.ParsedBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bodies kubectl 1.33 sends in protobuf decode to exactly the JSON kubectl 1.31 sends for the
 * same command (both captured by {@code protobuf/capture.py}): the same members in the same order
 * with the same values, and the same object once through the JSON path.
 */
class ProtobufDecoderGoldenTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

  static Stream<String> commands() throws IOException {
    try (InputStream in = resource("kubectl/commands.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .map(l -> l.replaceAll("#.*", "").strip())
              .filter(l -> !l.isEmpty())
              .toList()
              .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void decodesToTheJsonOlderKubectlSends(String name) throws Exception {
    JsonNode expected = MAPPER.readTree(bytes(name + ".v1.31.json"));
    byte[] protobuf = bytes(name + ".v1.33.pb");

    ObjectNode actual = ProtobufDecoder.get().toJson(protobuf);

    // As text, so that member order (Go's struct order) and number values are compared too.
    assertThat(MAPPER.writeValueAsString(actual)).isEqualTo(MAPPER.writeValueAsString(expected));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void goesThroughTheJsonPathAsTheJsonDoes(String name) throws Exception {
    JsonNode expected = MAPPER.readTree(bytes(name + ".v1.31.json"));
    ResourceType type =
        REGISTRY.byKind(expected.get("apiVersion").asText(), expected.get("kind").asText()).get();
    ObjectCodec codec = new ObjectCodec();

    byte[] json =
        ProtobufDecoder.get()
            .toJsonBytes(bytes(name + ".v1.33.pb"), type.apiVersion(), type.kind());
    ParsedBody parsed = codec.parse(json, type.type());

    assertThat(parsed.strictErrors()).isEmpty();
    HasMetadata fromProtobuf = codec.toObject(parsed.tree(), type.type());
    HasMetadata fromJson =
        codec.toObject(codec.parse(bytes(name + ".v1.31.json"), type.type()).tree(), type.type());
    assertThat(fromProtobuf).isEqualTo(fromJson);
  }

  private static byte[] bytes(String file) throws IOException {
    try (InputStream in = resource("kubectl/" + file)) {
      return in.readAllBytes();
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = ProtobufDecoderGoldenTest.class.getResourceAsStream("/protobuf/" + name);
    if (in == null) {
      throw new IOException("no test resource protobuf/" + name);
    }
    return in;
  }
}
