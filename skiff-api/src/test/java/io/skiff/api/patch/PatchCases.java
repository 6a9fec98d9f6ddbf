package io.skiff.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** Table-driven cases stored as JSON arrays under {@code src/test/resources/patch}. */
final class PatchCases {

  static final ObjectMapper JSON = new ObjectMapper();

  private PatchCases() {}

  /** One argument per case, named by its {@code description}. */
  static Stream<Arguments> load(String resource) {
    JsonNode cases;
    try (InputStream in = PatchCases.class.getResourceAsStream("/patch/" + resource)) {
      cases = JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return StreamSupport.stream(cases.spliterator(), false)
        .map(c -> Arguments.of(Named.of(c.get("description").asText(), c)));
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Directives must be consumed, never stored. */
  static void assertNoDirectives(JsonNode node) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        assertThat(e.getKey()).doesNotStartWith("$");
        assertNoDirectives(e.getValue());
      }
    } else if (node.isArray()) {
      node.forEach(PatchCases::assertNoDirectives);
    }
  }

  /** Checks a case's expected failure: {@code code} and the detail in {@code error}. */
  static void assertFails(JsonNode c, Runnable patch) {
    PatchException e = catchThrowableOfType(PatchException.class, patch::run);
    assertThat(e).as("expected a PatchException").isNotNull();
    assertThat(e.getMessage()).isEqualTo(c.get("error").asText());
    assertThat(e.code()).isEqualTo(c.get("code").asInt());
  }
}
