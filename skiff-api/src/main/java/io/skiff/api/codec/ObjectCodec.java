package io.skiff.api.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns request bodies into fabric8 objects and objects into the bytes Kubernetes would send.
 *
 * <p>Decoding is in two steps, like upstream's strict decoder: {@link #parse} reads the JSON and
 * finds duplicate and unknown fields against the target type (so the server can reject, warn or
 * ignore them per {@code fieldValidation}); {@link #toObject} then binds the tree, silently
 * dropping unknown fields.
 */
public final class ObjectCodec {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  // Per type: property name -> property type, or null for types whose content is free-form.
  private final Map<JavaType, Map<String, JavaType>> beanProperties = new ConcurrentHashMap<>();

  public ObjectCodec() {
    // Jackson 2's default pool keeps a parser's and a generator's buffers per thread; the control
    // loops and request handlers run on virtual threads, many of them short-lived, so every
    // encode and decode allocated fresh ones (an eighth of all bytes allocated in a 10,000-pod
    // rollout). A shared pool hands them on, as Jackson 3 does by default.
    factory =
        JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();
    mapper =
        new ObjectMapper(factory)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .registerModule(new JavaTimeModule());
  }

  /** The mapper configured for Kubernetes objects, for callers that bind trees themselves. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Parses {@code body} and finds the fields that {@code type} would not accept.
   *
   * @throws MalformedBodyException if the body is not one JSON object
   */
  public ParsedBody parse(byte[] body, Class<?> type) throws MalformedBodyException {
    List<String> duplicates = new ArrayList<>();
    JsonNode tree;
    try (JsonParser p = factory.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new MalformedBodyException(
            first == null ? "request body is empty" : "request body must be a JSON object", null);
      }
      tree = readObject(p, "", duplicates);
      if (p.nextToken() != null) {
        throw new MalformedBodyException("unexpected data after the JSON object", null);
      }
    } catch (JsonProcessingException e) {
      throw new MalformedBodyException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedBodyException(e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    findUnknown(tree, mapper.constructType(type), "", unknown);
    return new ParsedBody(tree, duplicates, unknown);
  }

  /** Parses a JSON value of any shape (patch documents), rejecting malformed input. */
  public JsonNode parseAny(byte[] body) throws MalformedBodyException {
    try {
      JsonNode node = mapper.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new MalformedBodyException("request body is empty", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedBodyException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedBodyException(e.getMessage(), e);
    }
  }

  /**
   * Binds a tree to {@code type}; unknown fields are dropped.
   *
   * @throws MalformedBodyException when a value has the wrong shape, naming its path
   */
  public <T> T toObject(JsonNode tree, Class<T> type) throws MalformedBodyException {
    try {
      return mapper.treeToValue(stripUnknown(tree, mapper.constructType(type)), type);
    } catch (MismatchedInputException e) {
      throw new MalformedBodyException(describeMismatch(e), e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MalformedBodyException(e.getMessage(), e);
    }
  }

  /** The object as a JSON tree, fields in the model's order, nulls left out. */
  public ObjectNode toTree(Object object) {
    return mapper.valueToTree(object);
  }

  /** The object as JSON bytes. */
  public byte[] encode(Object object) {
    try {
      return mapper.writeValueAsBytes(object);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + object.getClass().getName(), e);
    }
  }

  /** Reads stored JSON back into an object; stored bytes were written by {@link #encode}. */
  public <T> T decodeStored(byte[] json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (IOException e) {
      throw new IllegalStateException("stored object does not decode as " + type.getName(), e);
    }
  }

  private ObjectNode readObject(JsonParser p, String path, List<String> duplicates)
      throws IOException {
    ObjectNode node = NODES.objectNode();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      String childPath = path.isEmpty() ? name : path + "." + name;
      p.nextToken();
      JsonNode value = readValue(p, childPath, duplicates);
      if (node.has(name)) {
        duplicates.add(childPath);
      }
      node.set(name, value);
    }
    return node;
  }

  private JsonNode readValue(JsonParser p, String path, List<String> duplicates)
      throws IOException {
    return switch (p.currentToken()) {
      case START_OBJECT -> readObject(p, path, duplicates);
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(p, path + "[" + i++ + "]", duplicates));
        }
        yield array;
      }
      default -> mapper.readTree(p);
    };
  }

  private void findUnknown(JsonNode node, JavaType type, String path, List<String> unknown) {
    if (type.isContainerType()) {
      JavaType content = type.getContentType();
      if (type.isMapLikeType() && node.isObject()) {
        node.properties()
            .forEach(
                e -> findUnknown(e.getValue(), content, path + "[" + e.getKey() + "]", unknown));
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          findUnknown(node.get(i), content, path + "[" + i + "]", unknown);
        }
      }
      return;
    }
    Map<String, JavaType> props = properties(type);
    if (props == null || !node.isObject()) {
      return;
    }
    node.properties()
        .forEach(
            e -> {
              String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
              JavaType child = props.get(e.getKey());
              if (child == null) {
                unknown.add(childPath);
              } else {
                findUnknown(e.getValue(), child, childPath, unknown);
              }
            });
  }

  private JsonNode stripUnknown(JsonNode node, JavaType type) {
    if (type.isContainerType()) {
      JavaType content = type.getContentType();
      if (type.isMapLikeType() && node.isObject()) {
        ObjectNode out = NODES.objectNode();
        node.properties().forEach(e -> out.set(e.getKey(), stripUnknown(e.getValue(), content)));
        return out;
      }
      if (node.isArray()) {
        ArrayNode out = NODES.arrayNode();
        node.forEach(item -> out.add(stripUnknown(item, content)));
        return out;
      }
      return node;
    }
    Map<String, JavaType> props = properties(type);
    if (props == null || !node.isObject()) {
      return node;
    }
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JavaType child = props.get(e.getKey());
      if (child != null) {
        out.set(e.getKey(), stripUnknown(e.getValue(), child));
      }
    }
    return out;
  }

  /**
   * The JSON properties of a model bean, or null if the type takes any content (strings, numbers,
   * free-form objects, and types with their own deserializer such as IntOrString and Quantity).
   * FieldsV1 is free-form too: a managedFields entry's field set, whose keys are field paths.
   */
  private Map<String, JavaType> properties(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (!KubernetesResource.class.isAssignableFrom(raw)
        || raw == FieldsV1.class
        || hasOwnDeserializer(raw)) {
      return null;
    }
    return beanProperties.computeIfAbsent(
        type,
        t -> {
          BeanDescription bean = mapper.getDeserializationConfig().introspect(t);
          Map<String, JavaType> props = new HashMap<>();
          for (BeanPropertyDefinition p : bean.findProperties()) {
            if (p.hasSetter() || p.hasField() || p.hasConstructorParameter()) {
              props.put(p.getName(), p.getPrimaryType());
            }
          }
          return props;
        });
  }

  private static boolean hasOwnDeserializer(Class<?> raw) {
    JsonDeserialize d = raw.getAnnotation(JsonDeserialize.class);
    return d != null && d.using() != JsonDeserializer.None.class;
  }

  private static String describeMismatch(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    String target = e.getTargetType() == null ? "value" : goTypeName(e.getTargetType());
    return "json: cannot unmarshal value into field " + path + " of type " + target;
  }

  private static String goTypeName(Class<?> type) {
    if (type == Integer.class || type == int.class) {
      return "int32";
    }
    if (type == Long.class || type == long.class) {
      return "int64";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "bool";
    }
    if (type == String.class) {
      return "string";
    }
    return type.getSimpleName();
  }
}
