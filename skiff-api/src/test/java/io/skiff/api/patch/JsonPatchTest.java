package io.skiff.api.patch;

import static io.skiff.api.patch.PatchCases.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonPatchTest {

  static Stream<Arguments> cases() {
    return PatchCases.load("json-patch.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesLikeKubeApiserver(JsonNode c) {
    JsonNode doc = c.get("doc");
    JsonNode before = doc.deepCopy();
    if (c.has("error")) {
      PatchCases.assertFails(c, () -> JsonPatch.apply(doc, c.get("patch")));
    } else {
      assertThat(JsonPatch.apply(doc, c.get("patch"))).isEqualTo(c.get("result"));
    }
    assertThat(doc).isEqualTo(before);
  }

  @Test
  void failedOperationsAreUnprocessableWithUpstreamsGenericMessage() {
    PatchException e =
        catchThrowableOfType(
            PatchException.class,
            () ->
                JsonPatch.apply(
                    json("{\"a\":1}"), json("[{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]")));

    assertThat(e.code()).isEqualTo(422);
    assertThat(e.reason()).isEqualTo("Invalid");
    assertThat(e.statusMessage())
        .isEqualTo("the server rejected our request due to an error in our request");
    assertThat(e.getMessage()).isEqualTo("testing value /a failed: test failed");
  }

  @Test
  void moreThanTenThousandOperationsAreTooLarge() {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i <= JsonPatch.MAX_OPERATIONS; i++) {
      patch.add(json("{\"op\":\"test\",\"path\":\"/a\",\"value\":1}"));
    }

    PatchException e =
        catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(json("{\"a\":1}"), patch));

    assertThat(e.code()).isEqualTo(413);
    assertThat(e.statusMessage())
        .isEqualTo(
            "Request entity too large: The allowed maximum operations in a JSON patch is 10000,"
                + " got 10001");
  }
}
