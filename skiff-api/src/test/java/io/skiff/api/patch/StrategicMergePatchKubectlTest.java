package io.skiff.api.patch;

import static io.skiff.api.patch.PatchCases.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Status;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Patches kubectl and controllers send, against the built-in schemas. */
class StrategicMergePatchKubectlTest {

  static Stream<Arguments> cases() {
    return PatchCases.load("smp-kubectl.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesLikeKubeApiserver(JsonNode c) {
    JsonNode original = c.get("original");
    JsonNode before = original.deepCopy();
    PatchSchema schema =
        PatchSchema.forKind(original.get("apiVersion").asText(), original.get("kind").asText())
            .orElseThrow();
    if (c.has("error")) {
      PatchCases.assertFails(c, () -> StrategicMergePatch.apply(original, c.get("patch"), schema));
    } else {
      JsonNode result = StrategicMergePatch.apply(original, c.get("patch"), schema);
      assertThat(result).isEqualTo(c.get("result"));
      PatchCases.assertNoDirectives(result);
    }
    assertThat(original).isEqualTo(before);
  }

  @Test
  void withoutSchemaEveryListIsReplaced() {
    JsonNode result =
        StrategicMergePatch.apply(
            json("{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}"),
            json("{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"x\"}]}}"),
            PatchSchema.empty());

    assertThat(result)
        .isEqualTo(json("{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"x\"}]}}"));
  }

  @Test
  void failuresBecomeTheStatusUpstreamAnswersWith() {
    PatchSchema pod = PatchSchema.forKind("v1", "Pod").orElseThrow();
    PatchException noKey =
        catchThrowableOfType(
            PatchException.class,
            () ->
                StrategicMergePatch.apply(
                    json("{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"),
                    json("{\"spec\":{\"containers\":[{\"image\":\"nginx\"}]}}"),
                    pod));
    PatchException badFormat =
        catchThrowableOfType(
            PatchException.class,
            () ->
                StrategicMergePatch.apply(
                    json("{}"), json("{\"spec\":{\"$retainKeys\":\"x\"}}"), pod));

    // Upstream answers 500 here; Skiff never answers 500 to bad input.
    Status missingKey = noKey.toStatusError().status();
    assertThat(missingKey.getCode()).isEqualTo(400);
    assertThat(missingKey.getReason()).isEqualTo("BadRequest");
    assertThat(missingKey.getMessage())
        .isEqualTo("map: map[image:nginx] does not contain declared merge key: name");
    Status badRequest = badFormat.toStatusError().status();
    assertThat(badRequest.getCode()).isEqualTo(400);
    assertThat(badRequest.getReason()).isEqualTo("BadRequest");
    assertThat(badRequest.getMessage()).isEqualTo("invalid patch format of retainKeys");
  }
}
