package io.skiff.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenAPI documents kubectl reads: {@code /openapi/v3} (an index and one document per
 * group/version, which {@code kubectl explain}, the field-validation check and client-side apply
 * use) and {@code /openapi/v2}.
 *
 * <p>Schemas come from the upstream definitions shipped in fabric8's {@code
 * kubernetes-model-validator} (with descriptions and patch extensions). They lack what kubectl keys
 * on, so this class adds it: {@code x-kubernetes-group-version-kind} on served kinds, and the paths
 * whose PATCH operation lists the {@code fieldValidation} parameter (which tells kubectl to leave
 * validation to the server). Documents are built on first use: loading the definitions takes a
 * while and most processes never need them.
 */
public final class OpenApi {

  private static final String SOURCE = "openshift-generated.json";
  private static final String DEFS = "#/definitions/";
  private static final String SCHEMAS = "#/components/schemas/";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ResourceRegistry registry;
  private final ObjectMapper mapper;
  private final String kubernetesVersion;
  private Map<String, ObjectNode> definitions;
  private final Map<String, byte[]> v3Documents = new HashMap<>();
  private byte[] v3Index;

  public OpenApi(ResourceRegistry registry, ObjectMapper mapper, String kubernetesVersion) {
    this.registry = registry;
    this.mapper = mapper;
    this.kubernetesVersion = kubernetesVersion;
  }

  /**
   * The v3 index: {@code {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"}}}},
   * the hash changing whenever the document does.
   */
  public synchronized byte[] v3Index() {
    if (v3Index == null) {
      ObjectNode paths = NODES.objectNode();
      for (String gv : registry.groupVersions()) {
        String path = documentPath(gv);
        String hash = sha512(v3Document(path).orElseThrow());
        paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash);
      }
      ObjectNode index = NODES.objectNode();
      index.set("paths", paths);
      v3Index = write(index);
    }
    return v3Index;
  }

  /** The v3 document of {@code api/v1} or {@code apis/<group>/<version>}; empty if not served. */
  public synchronized Optional<byte[]> v3Document(String path) {
    byte[] cached = v3Documents.get(path);
    if (cached != null) {
      return Optional.of(cached);
    }
    String gv = path.equals("api/v1") ? "v1" : path.startsWith("apis/") ? path.substring(5) : null;
    if (gv == null || registry.inGroupVersion(gv).isEmpty()) {
      return Optional.empty();
    }
    byte[] doc = write(buildV3(gv));
    v3Documents.put(path, doc);
    return Optional.of(doc);
  }

  /**
   * The v2 document as gnostic's {@code openapi_v2.Document} protobuf, with only {@code swagger}
   * and {@code info}. kubectl 1.27 and 1.28 fetch it before create, apply and replace but, once v3
   * says the server validates fields, use nothing else from it; a partial document with a dangling
   * reference would make them fail, an empty one does not.
   */
  public byte[] v2Protobuf() {
    byte[] info =
        concat(
            field(1, "Kubernetes".getBytes(StandardCharsets.UTF_8)),
            field(2, kubernetesVersion.getBytes(StandardCharsets.UTF_8)));
    return concat(field(1, "2.0".getBytes(StandardCharsets.UTF_8)), field(2, info));
  }

  /** The v2 document as JSON: every definition the served kinds use, and no paths. */
  public synchronized byte[] v2Json() {
    ObjectNode doc = NODES.objectNode();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", kubernetesVersion);
    doc.putObject("paths");
    ObjectNode defs = doc.putObject("definitions");
    new TreeMap<>(definitions()).forEach(defs::set);
    return write(doc);
  }

  // ---- definitions ----

  /** The served kinds' definitions and everything they reference, with GVK extensions added. */
  private Map<String, ObjectNode> definitions() {
    if (definitions == null) {
      definitions = loadDefinitions();
    }
    return definitions;
  }

  private Map<String, ObjectNode> loadDefinitions() {
    JsonNode all;
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SOURCE + " is missing from the class path");
      }
      all = mapper.readTree(in).path("definitions");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SOURCE, e);
    }
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    for (ResourceType t : registry.all()) {
      todo.add(definitionName(t, t.kind()));
      todo.add(definitionName(t, t.listKind()));
    }
    todo.add("io.k8s.api.autoscaling.v1.Scale");
    for (String m : List.of("Status", "DeleteOptions", "Patch", "WatchEvent", "APIResourceList")) {
      todo.add(META + m);
    }
    while (!todo.isEmpty()) {
      String name = todo.poll();
      if (out.containsKey(name)) {
        continue;
      }
      JsonNode def = all.get(name);
      ObjectNode copy = def == null ? placeholder(name) : (ObjectNode) def.deepCopy();
      copy.remove("x-fabric8-info");
      out.put(name, copy);
      collectRefs(copy, todo);
    }
    addGroupVersionKinds(out);
    return out;
  }

  /** Upstream defines a few types by hand that the generated data only references. */
  private static ObjectNode placeholder(String name) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "object");
    n.put(
        "description",
        name.endsWith("RawExtension")
            ? "RawExtension is used to hold extensions in external versions."
            : "Free-form content.");
    return n;
  }

  private static void collectRefs(JsonNode node, ArrayDeque<String> todo) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.asText().startsWith(DEFS)) {
        todo.add(ref.asText().substring(DEFS.length()));
      }
      node.forEach(child -> collectRefs(child, todo));
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, todo));
    }
  }

  private void addGroupVersionKinds(Map<String, ObjectNode> defs) {
    for (ResourceType t : registry.all()) {
      gvk(defs.get(definitionName(t, t.kind())), t.group(), t.version(), t.kind());
      gvk(defs.get(definitionName(t, t.listKind())), t.group(), t.version(), t.listKind());
    }
    gvk(defs.get("io.k8s.api.autoscaling.v1.Scale"), "autoscaling", "v1", "Scale");
    gvk(defs.get(META + "Status"), "", "v1", "Status");
    for (String gv : registry.groupVersions()) {
      int slash = gv.indexOf('/');
      String group = slash < 0 ? "" : gv.substring(0, slash);
      String version = slash < 0 ? gv : gv.substring(slash + 1);
      gvk(defs.get(META + "DeleteOptions"), group, version, "DeleteOptions");
      gvk(defs.get(META + "WatchEvent"), group, version, "WatchEvent");
    }
  }

  private static void gvk(ObjectNode def, String group, String version, String kind) {
    if (def == null) {
      return;
    }
    JsonNode existing = def.get("x-kubernetes-group-version-kind");
    ArrayNode list =
        existing instanceof ArrayNode a ? a : def.putArray("x-kubernetes-group-version-kind");
    list.addObject().put("group", group).put("kind", kind).put("version", version);
  }

  /** {@code io.k8s.api.apps.v1.Deployment}: upstream's definition name of a kind. */
  static String definitionName(ResourceType t, String kind) {
    String pkg = t.group().isEmpty() ? "core" : t.group().split("\\.")[0];
    return "io.k8s.api." + pkg + "." + t.version() + "." + kind;
  }

  // ---- v3 ----

  private ObjectNode buildV3(String gv) {
    Map<String, ObjectNode> defs = definitions();
    ObjectNode doc = NODES.objectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", kubernetesVersion);
    ObjectNode paths = doc.putObject("paths");
    ArrayDeque<String> needed = new ArrayDeque<>();
    for (ResourceType t : registry.inGroupVersion(gv)) {
      Paths.add(paths, t, definitionName(t, t.kind()), definitionName(t, t.listKind()));
      needed.add(definitionName(t, t.kind()));
      needed.add(definitionName(t, t.listKind()));
    }
    for (String m : List.of("Status", "DeleteOptions", "Patch", "WatchEvent")) {
      needed.add(META + m);
    }
    if (registry.inGroupVersion(gv).stream().anyMatch(t -> t.hasSubresource("scale"))) {
      needed.add("io.k8s.api.autoscaling.v1.Scale");
    }
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    Map<String, JsonNode> closure = new TreeMap<>();
    while (!needed.isEmpty()) {
      String name = needed.poll();
      if (closure.containsKey(name) || !defs.containsKey(name)) {
        continue;
      }
      closure.put(name, defs.get(name));
      collectRefs(defs.get(name), needed);
    }
    closure.forEach((name, def) -> schemas.set(name, toV3(def, true)));
    ObjectNode security = components.putObject("securitySchemes");
    security
        .putObject("BearerToken")
        .put("type", "apiKey")
        .put("description", "Bearer Token authentication")
        .put("name", "authorization")
        .put("in", "header");
    return doc;
  }

  /**
   * Rewrites a v2 schema for v3: references point into components, and a reference with siblings (a
   * description, a default) is wrapped in {@code allOf} as upstream's v3 documents do.
   */
  private static JsonNode toV3(JsonNode node, boolean topLevel) {
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(n -> out.add(toV3(n, false)));
      return out;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = NODES.objectNode();
    JsonNode ref = node.get("$ref");
    boolean wrap = ref != null && node.size() > 1 && !topLevel;
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getKey().equals("$ref")) {
        String target = SCHEMAS + e.getValue().asText().substring(DEFS.length());
        if (wrap) {
          out.putArray("allOf").addObject().put("$ref", target);
        } else {
          out.put("$ref", target);
        }
      } else if (e.getKey().equals("properties") || e.getKey().equals("patternProperties")) {
        ObjectNode props = out.putObject(e.getKey());
        e.getValue().properties().forEach(p -> props.set(p.getKey(), toV3(p.getValue(), false)));
      } else if (e.getValue().isContainerNode()) {
        out.set(e.getKey(), toV3(e.getValue(), false));
      } else {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static String documentPath(String gv) {
    return gv.equals("v1") ? "api/v1" : "apis/" + gv;
  }

  private byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha512(byte[] data) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-512").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- protobuf wire format, for the two length-delimited fields v2Protobuf needs ----

  private static byte[] field(int number, byte[] payload) {
    byte[] tag = varint((number << 3) | 2);
    byte[] len = varint(payload.length);
    return concat(tag, len, payload);
  }

  private static byte[] varint(int value) {
    byte[] buf = new byte[5];
    int n = 0;
    int v = value;
    while ((v & ~0x7F) != 0) {
      buf[n++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[n++] = (byte) v;
    return java.util.Arrays.copyOf(buf, n);
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] p : parts) {
      size += p.length;
    }
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
