package io.skiff.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonMergePatchTest {

  static Stream<Arguments> cases() {
    return PatchCases.load("merge-patch.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesAsRfc7386Says(JsonNode c) {
    JsonNode original = c.get("original");
    JsonNode before = original.deepCopy();

    JsonNode result = JsonMergePatch.apply(original, c.get("patch"));

    assertThat(result).isEqualTo(c.get("result"));
    assertThat(original).isEqualTo(before);
  }
}
