package io.skiff.apiserver.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The discovery documents of the served resources, rendered once: the legacy ones ({@code
 * APIVersions}, {@code APIGroupList}, {@code APIGroup}, {@code APIResourceList}) and the aggregated
 * {@code APIGroupDiscoveryList} of {@code /api} and {@code /apis} in both versions kubectl asks
 * for. Field order, omitted fields and entry order follow kube-apiserver's JSON, so a byte
 * comparison with a real cluster differs only in what Skiff does not serve.
 */
final class DiscoveryDocuments {

  static final String AGGREGATED_GROUP = "apidiscovery.k8s.io";
  static final String AGGREGATED_KIND = "APIGroupDiscoveryList";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /**
   * kube-aggregator's group priorities (its apiVersionPriorities table), which order {@code /apis}
   * in both forms. A group missing here gets the aggregated handler's default and sorts after them.
   */
  private static final Map<String, Integer> GROUP_PRIORITY =
      Map.ofEntries(
          Map.entry("apps", 17800),
          Map.entry("events.k8s.io", 17750),
          Map.entry("authentication.k8s.io", 17700),
          Map.entry("authorization.k8s.io", 17600),
          Map.entry("autoscaling", 17500),
          Map.entry("batch", 17400),
          Map.entry("certificates.k8s.io", 17300),
          Map.entry("networking.k8s.io", 17200),
          Map.entry("policy", 17100),
          Map.entry("rbac.authorization.k8s.io", 17000),
          Map.entry("storage.k8s.io", 16800),
          Map.entry("apiextensions.k8s.io", 16700),
          Map.entry("admissionregistration.k8s.io", 16700),
          Map.entry("scheduling.k8s.io", 16600),
          Map.entry("coordination.k8s.io", 16500),
          Map.entry("node.k8s.io", 16300),
          Map.entry("discovery.k8s.io", 16200),
          Map.entry("flowcontrol.apiserver.k8s.io", 16100));

  private static final int DEFAULT_GROUP_PRIORITY = 1000;

  private final ObjectWriter writer;
  private final byte[] apiVersions;
  private final byte[] apiGroupList;
  private final Map<String, byte[]> apiGroups = new LinkedHashMap<>();
  private final Map<String, byte[]> resourceLists = new LinkedHashMap<>();
  private final Map<String, byte[]> aggregatedCore = new LinkedHashMap<>();
  private final Map<String, byte[]> aggregatedGroups = new LinkedHashMap<>();

  /** The served groups, core excluded, in upstream's order; versions most preferred first. */
  private record Group(String name, List<String> versions) {}

  DiscoveryDocuments(ResourceRegistry registry, ObjectMapper mapper, String serverAddress) {
    // Go writes compact JSON; a mapper configured to indent must not change that.
    this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
    Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
    for (String gv : registry.groupVersions()) {
      byGroupVersion.put(gv, registry.inGroupVersion(gv));
    }
    List<String> coreVersions = new ArrayList<>();
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (String gv : byGroupVersion.keySet()) {
      int slash = gv.indexOf('/');
      if (slash < 0) {
        coreVersions.add(gv);
      } else {
        versionsByGroup
            .computeIfAbsent(gv.substring(0, slash), g -> new ArrayList<>())
            .add(gv.substring(slash + 1));
      }
    }
    coreVersions.sort(DiscoveryDocuments::compareVersions);
    List<Group> groups = new ArrayList<>();
    versionsByGroup.forEach(
        (name, versions) -> {
          versions.sort(DiscoveryDocuments::compareVersions);
          groups.add(new Group(name, List.copyOf(versions)));
        });
    groups.sort(
        Comparator.comparingInt((Group g) -> -priority(g.name())).thenComparing(Group::name));

    apiVersions = write(apiVersions(coreVersions, serverAddress));
    ObjectNode groupList = NODES.objectNode();
    groupList.put("kind", "APIGroupList");
    groupList.put("apiVersion", "v1");
    ArrayNode groupArray = groupList.putArray("groups");
    for (Group g : groups) {
      groupArray.add(apiGroupBody(g));
      ObjectNode single = NODES.objectNode();
      single.put("kind", "APIGroup");
      single.put("apiVersion", "v1");
      single.setAll(apiGroupBody(g));
      apiGroups.put(g.name(), write(single));
    }
    apiGroupList = write(groupList);

    byGroupVersion.forEach((gv, types) -> resourceLists.put(gv, write(resourceList(gv, types))));

    for (String version : List.of("v2", "v2beta1")) {
      ObjectNode core = aggregatedList(version);
      if (!coreVersions.isEmpty()) {
        ((ArrayNode) core.get("items"))
            .add(aggregatedGroup("", coreVersions, byGroupVersion, true));
      }
      aggregatedCore.put(version, write(core));
      ObjectNode named = aggregatedList(version);
      for (Group g : groups) {
        ((ArrayNode) named.get("items"))
            .add(aggregatedGroup(g.name(), g.versions(), byGroupVersion, false));
      }
      aggregatedGroups.put(version, write(named));
    }
  }

  byte[] apiVersions() {
    return apiVersions;
  }

  byte[] apiGroupList() {
    return apiGroupList;
  }

  Optional<byte[]> apiGroup(String group) {
    return Optional.ofNullable(apiGroups.get(group));
  }

  /** The {@code APIResourceList} of {@code v1} or {@code <group>/<version>}. */
  Optional<byte[]> apiResourceList(String groupVersion) {
    return Optional.ofNullable(resourceLists.get(groupVersion));
  }

  /** The aggregated {@code /api} document in discovery version {@code v2} or {@code v2beta1}. */
  byte[] aggregatedCore(String version) {
    return aggregatedCore.get(version);
  }

  /** The aggregated {@code /apis} document in discovery version {@code v2} or {@code v2beta1}. */
  byte[] aggregatedGroups(String version) {
    return aggregatedGroups.get(version);
  }

  // ---- legacy ----

  /**
   * Upstream serves {@code /api} through a serializer that strips the apiVersion (kept so for
   * clients of release 1.1), hence only a kind. kubectl reads only {@code versions}.
   */
  private static ObjectNode apiVersions(List<String> versions, String serverAddress) {
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", "APIVersions");
    ArrayNode v = doc.putArray("versions");
    versions.forEach(v::add);
    doc.putArray("serverAddressByClientCIDRs")
        .addObject()
        .put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", serverAddress);
    return doc;
  }

  private static ObjectNode apiGroupBody(Group g) {
    ObjectNode body = NODES.objectNode();
    body.put("name", g.name());
    ArrayNode versions = body.putArray("versions");
    for (String v : g.versions()) {
      versions.addObject().put("groupVersion", g.name() + "/" + v).put("version", v);
    }
    body.putObject("preferredVersion")
        .put("groupVersion", g.name() + "/" + g.versions().get(0))
        .put("version", g.versions().get(0));
    return body;
  }

  /**
   * One entry per resource and per subresource, sorted by name as upstream registers its storage
   * paths. The core list has no apiVersion, for the same 1.1 compatibility as {@code /api}.
   */
  private static ObjectNode resourceList(String groupVersion, List<ResourceType> types) {
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", "APIResourceList");
    if (groupVersion.contains("/")) {
      doc.put("apiVersion", "v1");
    }
    doc.put("groupVersion", groupVersion);
    List<ObjectNode> entries = new ArrayList<>();
    for (ResourceType t : types) {
      entries.add(apiResource(t));
      for (Subresource s : subresources(t)) {
        entries.add(apiSubresource(t, s));
      }
    }
    entries.sort(Comparator.comparing(e -> e.get("name").asText()));
    ArrayNode resources = doc.putArray("resources");
    entries.forEach(resources::add);
    return doc;
  }

  private static ObjectNode apiResource(ResourceType t) {
    ObjectNode r = NODES.objectNode();
    r.put("name", t.plural());
    r.put("singularName", t.singular());
    r.put("namespaced", t.namespaced());
    r.put("kind", t.kind());
    r.set("verbs", strings(t.verbs().stream().sorted().toList()));
    if (!t.shortNames().isEmpty()) {
      r.set("shortNames", strings(t.shortNames()));
    }
    if (!t.categories().isEmpty()) {
      r.set("categories", strings(t.categories()));
    }
    r.put("storageVersionHash", storageVersionHash(t));
    return r;
  }

  /** Subresources carry no singular name, short names or storage hash upstream. */
  private static ObjectNode apiSubresource(ResourceType parent, Subresource s) {
    ObjectNode r = NODES.objectNode();
    r.put("name", parent.plural() + "/" + s.name());
    r.put("singularName", "");
    r.put("namespaced", parent.namespaced());
    if (!s.group().isEmpty()) {
      r.put("group", s.group());
    }
    if (!s.version().isEmpty()) {
      r.put("version", s.version());
    }
    r.put("kind", s.kind());
    r.set("verbs", strings(s.verbs().stream().sorted().toList()));
    return r;
  }

  // ---- aggregated ----

  private static ObjectNode aggregatedList(String version) {
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", AGGREGATED_KIND);
    doc.put("apiVersion", AGGREGATED_GROUP + "/" + version);
    doc.putObject("metadata");
    doc.putArray("items");
    return doc;
  }

  /**
   * Go marshals the zero creationTimestamp of the group's ObjectMeta as null, and omits the empty
   * name of the core group.
   */
  private static ObjectNode aggregatedGroup(
      String name,
      List<String> versions,
      Map<String, List<ResourceType>> byGroupVersion,
      boolean core) {
    ObjectNode group = NODES.objectNode();
    ObjectNode meta = group.putObject("metadata");
    if (!core) {
      meta.put("name", name);
    }
    meta.putNull("creationTimestamp");
    ArrayNode versionArray = group.putArray("versions");
    for (String v : versions) {
      ObjectNode version = versionArray.addObject();
      version.put("version", v);
      ArrayNode resources = version.putArray("resources");
      List<ResourceType> types = new ArrayList<>(byGroupVersion.get(core ? v : name + "/" + v));
      types.sort(Comparator.comparing(ResourceType::plural));
      for (ResourceType t : types) {
        resources.add(aggregatedResource(t));
      }
      version.put("freshness", "Current");
    }
    return group;
  }

  /**
   * Upstream converts its legacy entries, so a resource's responseKind has the empty group and
   * version of its APIResource; only cross-group subresources name theirs.
   */
  private static ObjectNode aggregatedResource(ResourceType t) {
    ObjectNode r = NODES.objectNode();
    r.put("resource", t.plural());
    r.set("responseKind", gvk("", "", t.kind()));
    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", t.singular());
    r.set("verbs", strings(t.verbs().stream().sorted().toList()));
    if (!t.shortNames().isEmpty()) {
      r.set("shortNames", strings(t.shortNames()));
    }
    if (!t.categories().isEmpty()) {
      r.set("categories", strings(t.categories()));
    }
    List<Subresource> subs = subresources(t);
    if (!subs.isEmpty()) {
      ArrayNode array = r.putArray("subresources");
      for (Subresource s : subs) {
        ObjectNode sub = array.addObject();
        sub.put("subresource", s.name());
        sub.set("responseKind", gvk(s.group(), s.version(), s.kind()));
        sub.set("verbs", strings(s.verbs().stream().sorted().toList()));
      }
    }
    return r;
  }

  private static ObjectNode gvk(String group, String version, String kind) {
    return NODES.objectNode().put("group", group).put("version", version).put("kind", kind);
  }

  // ---- helpers ----

  private static List<Subresource> subresources(ResourceType t) {
    return t.subresources().stream().sorted().map(name -> Subresource.of(t, name)).toList();
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static int priority(String group) {
    return GROUP_PRIORITY.getOrDefault(group, DEFAULT_GROUP_PRIORITY);
  }

  /**
   * Upstream's storage version hash: the first 8 bytes of SHA-256 over {@code group/version/kind}
   * of the stored form, in base64. events.k8s.io events are stored as core events upstream (the two
   * resources share one storage), so they carry the core hash.
   */
  static String storageVersionHash(ResourceType t) {
    String group = t.group();
    if (group.equals("events.k8s.io") && t.kind().equals("Event")) {
      group = "";
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (group + "/" + t.version() + "/" + t.kind()).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Kubernetes' version order (apimachinery's CompareKubeAwareVersionStrings), most preferred
   * first: GA before beta before alpha, higher numbers first, and versions of another shape last in
   * lexical order.
   */
  static int compareVersions(String a, String b) {
    Matcher ma = KUBE_VERSION.matcher(a);
    Matcher mb = KUBE_VERSION.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka ? -1 : kb ? 1 : a.compareTo(b);
    }
    int stability = Integer.compare(stability(mb.group(2)), stability(ma.group(2)));
    if (stability != 0) {
      return stability;
    }
    int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (major != 0 || ma.group(3) == null) {
      return major;
    }
    return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int stability(String qualifier) {
    if (qualifier == null) {
      return 2;
    }
    return qualifier.equals("beta") ? 1 : 0;
  }

  private byte[] write(ObjectNode node) {
    try {
      return writer.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a discovery document", e);
    }
  }
}
