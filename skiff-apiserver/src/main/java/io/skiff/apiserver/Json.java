package io.skiff.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The JSON codec of the API server. Built on first use rather than at start-up: Jackson's set-up
 * costs tens of milliseconds of class loading, and {@code /readyz} must answer before that matters.
 */
final class Json {

  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Go's {@code json.MarshalIndent(v, "", " ")}: two spaces, {@code "key": value}. */
    static final ObjectWriter INDENTED =
        MAPPER.writer(
            new DefaultPrettyPrinter(
                    Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n")));
  }

  static byte[] compact(Object value) {
    try {
      return Holder.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  static byte[] indented(Object value) {
    try {
      return Holder.INDENTED.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** Loads the codec ahead of the first client request, off the start-up path. */
  static void warmUp() {
    compact(Status.notFound());
    indented(VersionInfo.current());
  }
}
