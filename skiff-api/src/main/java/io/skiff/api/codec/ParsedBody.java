package io.skiff.api.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request body parsed into a tree, with the problems strict decoding cares about.
 *
 * @param duplicateFields paths of fields that appeared twice in one object, e.g. {@code
 *     metadata.name}; the tree keeps the last value, as upstream's lenient decoding does
 * @param unknownFields paths of fields the target type does not have, e.g. {@code
 *     spec.template.spec.containers[0].imagee}
 */
public record ParsedBody(JsonNode tree, List<String> duplicateFields, List<String> unknownFields) {

  public ParsedBody {
    duplicateFields = List.copyOf(duplicateFields);
    unknownFields = List.copyOf(unknownFields);
  }

  /**
   * The strict-decoding problems in upstream's words and order (unknown fields, then duplicates):
   * {@code unknown field "spec.foo"}, {@code duplicate field "metadata.name"}.
   */
  public List<String> strictErrors() {
    return java.util.stream.Stream.concat(
            unknownFields.stream().map(f -> "unknown field \"" + f + "\""),
            duplicateFields.stream().map(f -> "duplicate field \"" + f + "\""))
        .toList();
  }
}
