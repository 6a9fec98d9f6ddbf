package io.skiff.api.codec.protobuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.skiff.api.codec.MalformedBodyException;
import io.skiff.api.codec.protobuf.ProtoJson.Slice;
import io.skiff.api.codec.protobuf.Schema.Message;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes request bodies in Kubernetes' protobuf encoding ({@value #MEDIA_TYPE}), which kubectl
 * 1.32 and later sends for its typed commands ({@code create namespace}, {@code create deployment},
 * ...), into the JSON tree the same object has in Kubernetes' JSON encoding, so that the JSON path
 * (strict field checks, defaulting, validation) applies unchanged.
 *
 * <p>A body is the 4 bytes {@code k8s\0} and a {@code runtime.Unknown} message: the object's
 * apiVersion and kind, and its protobuf bytes. The JSON is what the API server would get by
 * decoding those bytes into the Go type and encoding that as JSON: Go field order and names,
 * omitempty honoured, pointers and nil slices as Go writes them; {@code kind} and {@code
 * apiVersion} first, from the envelope.
 *
 * <p>The schema is loaded on first use, so a server that never sees a protobuf body never pays for
 * it. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * if (ProtobufDecoder.isProtobuf(contentType)) {
 *   body = ProtobufDecoder.get().toJsonBytes(body, type.apiVersion(), type.kind());
 * }
 * ParsedBody parsed = codec.parse(body, type.type());   // as for JSON
 * }</pre>
 */
public final class ProtobufDecoder {

  /** The media type of Kubernetes' protobuf encoding. */
  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";

  /** Kinds that metav1.AddToGroupVersion registers in every group version. */
  private static final Set<String> META_KINDS =
      Set.of(
          "DeleteOptions",
          "CreateOptions",
          "UpdateOptions",
          "PatchOptions",
          "GetOptions",
          "ListOptions",
          "Status",
          "WatchEvent");

  private final Schema schema;
  private final ObjectMapper mapper;
  private final ProtoJson json;

  private ProtobufDecoder(Schema schema) {
    this.schema = schema;
    this.mapper = new ObjectMapper();
    this.json = new ProtoJson(mapper);
  }

  private static final class Holder {
    static final ProtobufDecoder INSTANCE =
        new ProtobufDecoder(Schema.parse(KubernetesSchema.parts()));
  }

  /** The decoder; the first call loads the schema (a few milliseconds). */
  public static ProtobufDecoder get() {
    return Holder.INSTANCE;
  }

  /** Whether a Content-Type header names the protobuf encoding (parameters ignored). */
  public static boolean isProtobuf(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
    return type.toLowerCase(Locale.ROOT).equals(MEDIA_TYPE);
  }

  /**
   * Whether bodies of that apiVersion ({@code apps/v1}, {@code v1}) and kind decode here. The API
   * server answers 415 Unsupported Media Type for a protobuf body of a kind that has no protobuf
   * form (custom resources), before reading it.
   */
  public boolean supports(String apiVersion, String kind) {
    return topLevel(apiVersion, kind) != null;
  }

  /** Whether bodies of that fabric8 type decode here; see {@link #supports(String, String)}. */
  public boolean supports(Class<? extends KubernetesResource> type) {
    return supports(HasMetadata.getApiVersion(type), HasMetadata.getKind(type));
  }

  /**
   * The JSON of a protobuf body, whatever kind it holds.
   *
   * @throws MalformedBodyException (the API server's 400) if the body is not a protobuf envelope,
   *     names no kind or one with no schema here, or its bytes do not decode as that kind
   */
  public ObjectNode toJson(byte[] body) throws MalformedBodyException {
    return decode(body, null, null);
  }

  /**
   * The JSON of a protobuf body sent to an endpoint of {@code apiVersion}/{@code kind}. As
   * upstream, an envelope that names no kind or version takes the endpoint's.
   *
   * @throws MalformedBodyException (the API server's 400) as {@link #toJson(byte[])}, and if the
   *     body holds another kind or version
   */
  public ObjectNode toJson(byte[] body, String apiVersion, String kind)
      throws MalformedBodyException {
    return decode(body, apiVersion, kind);
  }

  /** {@link #toJson(byte[], String, String)} for the apiVersion and kind of a fabric8 type. */
  public ObjectNode toJson(byte[] body, Class<? extends KubernetesResource> expectedType)
      throws MalformedBodyException {
    return decode(body, HasMetadata.getApiVersion(expectedType), HasMetadata.getKind(expectedType));
  }

  /** {@link #toJson(byte[], String, String)} as JSON bytes, for code that reads JSON bodies. */
  public byte[] toJsonBytes(byte[] body, String apiVersion, String kind)
      throws MalformedBodyException {
    try {
      return mapper.writeValueAsBytes(decode(body, apiVersion, kind));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  private ObjectNode decode(byte[] body, String expectedApiVersion, String expectedKind)
      throws MalformedBodyException {
    if (body == null || body.length < MAGIC.length) {
      throw new MalformedBodyException("protobuf body is too short for the k8s envelope", null);
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (body[i] != MAGIC[i]) {
        throw new MalformedBodyException(
            "protobuf body does not start with the k8s envelope prefix", null);
      }
    }
    try {
      Envelope e = envelope(body);
      String apiVersion = e.apiVersion.isEmpty() ? nullToEmpty(expectedApiVersion) : e.apiVersion;
      String kind = e.kind.isEmpty() ? nullToEmpty(expectedKind) : e.kind;
      if (kind.isEmpty()) {
        throw new MalformedBodyException("Object 'Kind' is missing in the protobuf envelope", null);
      }
      if (apiVersion.isEmpty()) {
        throw new MalformedBodyException(
            "Object 'apiVersion' is missing in the protobuf envelope", null);
      }
      if (expectedApiVersion != null && !apiVersion.equals(expectedApiVersion)) {
        throw new MalformedBodyException(
            "the API version in the data ("
                + apiVersion
                + ") does not match the expected API version ("
                + expectedApiVersion
                + ")",
            null);
      }
      if (expectedKind != null && !kind.equals(expectedKind)) {
        throw new MalformedBodyException(
            "the object provided is unrecognized (must be of type "
                + expectedKind
                + "): the data holds a "
                + kind,
            null);
      }
      Message m = topLevel(apiVersion, kind);
      if (m == null) {
        throw new MalformedBodyException(
            "no protobuf schema for " + kind + " in version \"" + apiVersion + "\"", null);
      }
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      root.put("kind", kind);
      root.put("apiVersion", apiVersion);
      json.writeMembers(m, e.raw, root, 0);
      return root;
    } catch (ProtobufException e) {
      throw new MalformedBodyException("invalid protobuf body: " + e.getMessage(), e);
    }
  }

  private record Envelope(String apiVersion, String kind, Slice raw) {}

  /** Reads runtime.Unknown: typeMeta (1: apiVersion, 2: kind), raw (2); 3 and 4 are ignored. */
  private static Envelope envelope(byte[] body) {
    String apiVersion = "";
    String kind = "";
    Slice raw = Slice.EMPTY;
    WireReader r = new WireReader(body, MAGIC.length, body.length - MAGIC.length);
    while (!r.atEnd()) {
      long tag = r.tag();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (number == 1 || number == 2) {
        if (wireType != WireReader.LEN) {
          throw new ProtobufException("wrong wire type " + wireType + " in the envelope");
        }
        int n = r.length();
        int at = r.position();
        r.skipBytes(n);
        if (number == 2) {
          raw = new Slice(body, at, n);
          continue;
        }
        WireReader t = new WireReader(body, at, n);
        while (!t.atEnd()) {
          long ttag = t.tag();
          int tn = (int) (ttag >>> 3);
          int twt = (int) (ttag & 7);
          if ((tn == 1 || tn == 2) && twt == WireReader.LEN) {
            int len = t.length();
            String s = new String(body, t.position(), len, StandardCharsets.UTF_8);
            t.skipBytes(len);
            if (tn == 1) {
              apiVersion = s;
            } else {
              kind = s;
            }
          } else if (tn == 1 || tn == 2) {
            throw new ProtobufException("wrong wire type " + twt + " in the envelope's typeMeta");
          } else {
            t.skip(twt, 0);
          }
        }
      } else {
        r.skip(wireType, 0);
      }
    }
    return new Envelope(apiVersion, kind, raw);
  }

  /** The message of a kind that can be a request body, or null. */
  private Message topLevel(String apiVersion, String kind) {
    if (apiVersion == null || kind == null || kind.isEmpty()) {
      return null;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    if (version.isEmpty() || version.contains("/")) {
      return null;
    }
    // Built-in groups are bare (apps) or end in .k8s.io (events.k8s.io), named by their first
    // label in the proto packages (k8s.io.api.events.v1).
    int dot = group.indexOf('.');
    if (dot >= 0 && !group.endsWith(".k8s.io")) {
      return null;
    }
    String short_ = group.isEmpty() ? "core" : dot < 0 ? group : group.substring(0, dot);
    Message m = schema.message("k8s.io.api." + short_ + "." + version + "." + kind);
    if (m != null && m.field(1) != null && m.field(1).json.equals("metadata")) {
      return m;
    }
    if (META_KINDS.contains(kind)) {
      return schema.message(META + kind);
    }
    return null;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
