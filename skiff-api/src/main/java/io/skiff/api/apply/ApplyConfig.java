package io.skiff.api.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.skiff.api.errors.StatusError;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of an {@code application/apply-patch+yaml} PATCH: a (partial) object in YAML, of which
 * JSON is a part. A duplicate key is kept apart: upstream reports it only after the apply itself
 * succeeded, as an error under {@code fieldValidation=Strict} and a warning under {@code Warn}.
 *
 * @param duplicateKeys the strict decoding error, or {@code null}
 */
public record ApplyConfig(ObjectNode object, String duplicateKeys) {

  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
  private static final YAMLMapper LENIENT = mapper(false);
  private static final YAMLMapper STRICT = mapper(true);

  private static YAMLMapper mapper(boolean strict) {
    YAMLFactory factory = new YAMLFactory();
    factory.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build());
    YAMLMapper m = new YAMLMapper(factory);
    if (strict) {
      m.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }
    return m;
  }

  /**
   * Parses a body.
   *
   * @throws StatusError 400 with upstream's {@code error decoding YAML} texts
   */
  public static ApplyConfig parse(byte[] body) {
    JsonNode tree;
    try {
      tree = LENIENT.readTree(body);
    } catch (JsonProcessingException e) {
      throw StatusError.badRequest(
          "error decoding YAML: error converting YAML to JSON: yaml: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw StatusError.badRequest("error decoding YAML: " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return new ApplyConfig(JsonNodeFactory.instance.objectNode(), null);
    }
    if (!tree.isObject()) {
      throw StatusError.badRequest(
          "error decoding YAML: json: cannot unmarshal "
              + jsonKind(tree)
              + " into Go value of type map[string]interface {}");
    }
    String duplicate = null;
    try {
      STRICT.readTree(body);
    } catch (JsonProcessingException e) {
      Matcher m = DUPLICATE.matcher(e.getOriginalMessage());
      duplicate =
          "error converting YAML to JSON: yaml: unmarshal errors:\n  line "
              + (e.getLocation() == null ? 0 : e.getLocation().getLineNr())
              + ": "
              + (m.find()
                  ? "key " + Values.goQuote(m.group(1)) + " already set in map"
                  : e.getOriginalMessage());
    } catch (IOException e) {
      duplicate = e.getMessage();
    }
    return new ApplyConfig((ObjectNode) tree, duplicate);
  }

  private static String jsonKind(JsonNode n) {
    if (n.isArray()) {
      return "array";
    }
    if (n.isTextual()) {
      return "string";
    }
    if (n.isBoolean()) {
      return "bool";
    }
    return "number";
  }
}
