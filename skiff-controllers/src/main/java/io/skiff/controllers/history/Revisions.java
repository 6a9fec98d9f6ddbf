package io.skiff.controllers.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.controllers.runtime.ControllerRefs;
import io.skiff.controllers.runtime.Times;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Upstream's {@code pkg/controller/history} helpers that need no API: the revision data of a pod
 * template, revision names and hashes, ordering and equality.
 *
 * <p>A revision's data is the strategic-merge patch that restores its template, {@code
 * {"spec":{"template":{..., "$patch":"replace"}}}}, rendered as upstream marshals it: keys sorted,
 * compact. Skiff renders the template through the API codec and compares revisions by that
 * rendering (not by the stored bytes), so that a revision read back from the server, whose data a
 * JSON round trip may have reordered, is still equal to the template it was made from.
 */
public final class Revisions {

  /** The label carrying a revision's hash (upstream's ControllerRevisionHashLabel). */
  public static final String HASH_LABEL = "controller.kubernetes.io/hash";

  /** Revision names keep at most this much of the owner's name, leaving room for the hash. */
  static final int MAX_PREFIX = 223;

  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private static final ObjectMapper JSON = new ObjectCodec().mapper();

  private Revisions() {}

  /** {@code {"spec":{"template":{<template>, "$patch":"replace"}}}} with keys sorted. */
  public static JsonNode templatePatch(PodTemplateSpec template) {
    ObjectNode t =
        (ObjectNode) JSON.valueToTree(template == null ? new PodTemplateSpec() : template);
    t.put("$patch", "replace");
    ObjectNode root = JSON.createObjectNode();
    root.putObject("spec").set("template", t);
    return sorted(root);
  }

  /** The compact rendering of {@code templatePatch(template)}: a revision's raw data. */
  public static String raw(PodTemplateSpec template) {
    return write(templatePatch(template));
  }

  /**
   * The raw data of {@code revision}, normalised: a pod-template patch is rendered as {@link
   * #raw(PodTemplateSpec)} renders its template, any other data with its keys sorted.
   */
  public static String raw(ControllerRevision revision) {
    Object data = revision.getData();
    if (data == null) {
      return "";
    }
    JsonNode tree = JSON.valueToTree(data);
    JsonNode template = tree.path("spec").path("template");
    if (tree.isObject()
        && tree.size() == 1
        && tree.path("spec").size() == 1
        && template.isObject()) {
      ObjectNode copy = ((ObjectNode) template).deepCopy();
      copy.remove("$patch");
      try {
        return raw(JSON.treeToValue(copy, PodTemplateSpec.class));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        // Not a pod template after all: fall through to the plain rendering.
      }
    }
    return write(sorted(tree));
  }

  /** The pod template a revision restores, or null when its data holds none. */
  public static PodTemplateSpec template(ControllerRevision revision) {
    if (revision.getData() == null) {
      return null;
    }
    JsonNode template = JSON.valueToTree(revision.getData()).path("spec").path("template");
    if (!template.isObject()) {
      return null;
    }
    ObjectNode copy = ((ObjectNode) template).deepCopy();
    copy.remove("$patch");
    try {
      return JSON.treeToValue(copy, PodTemplateSpec.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * Upstream's HashControllerRevision: FNV-32 (not 32a) over the raw data, then over the decimal
   * {@code probe} (the collision count) if any, printed in decimal and made safe for names.
   */
  public static String hash(String raw, Integer probe) {
    int h = 0x811c9dc5;
    h = fnv32(h, raw.getBytes(StandardCharsets.UTF_8));
    if (probe != null) {
      h = fnv32(h, Integer.toString(probe).getBytes(StandardCharsets.UTF_8));
    }
    return safeEncode(Long.toString(Integer.toUnsignedLong(h)));
  }

  private static int fnv32(int hash, byte[] bytes) {
    for (byte b : bytes) {
      hash *= 0x01000193;
      hash ^= (b & 0xff);
    }
    return hash;
  }

  /** apimachinery's SafeEncodeString: each character mapped into consonants and digits. */
  public static String safeEncode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
    }
    return out.toString();
  }

  /** {@code <prefix>-<hash>}, the prefix cut to {@value #MAX_PREFIX} characters. */
  public static String revisionName(String prefix, String hash) {
    if (prefix.length() > MAX_PREFIX) {
      prefix = prefix.substring(0, MAX_PREFIX);
    }
    return prefix + "-" + hash;
  }

  /**
   * Upstream's NewControllerRevision: a revision of {@code parent} (its controller reference, its
   * namespace) holding {@code template}'s patch, labelled with the template's labels and {@link
   * #HASH_LABEL}, named after the parent and the hash with {@code collisionCount} as the probe.
   */
  public static ControllerRevision newControllerRevision(
      HasMetadata parent,
      String parentApiVersion,
      String parentKind,
      PodTemplateSpec template,
      long revision,
      Integer collisionCount) {
    String raw = raw(template);
    Map<String, String> labels = new LinkedHashMap<>();
    if (template != null && template.getMetadata() != null) {
      Map<String, String> tl = template.getMetadata().getLabels();
      if (tl != null) {
        labels.putAll(tl);
      }
    }
    String hash = hash(raw, collisionCount);
    labels.put(HASH_LABEL, hash);
    ObjectMeta meta = new ObjectMeta();
    meta.setName(revisionName(parent.getMetadata().getName(), hash));
    meta.setNamespace(parent.getMetadata().getNamespace());
    meta.setLabels(labels);
    meta.setOwnerReferences(
        new ArrayList<>(
            List.of(ControllerRefs.newControllerRef(parent, parentApiVersion, parentKind))));
    ControllerRevision cr = new ControllerRevision();
    cr.setApiVersion("apps/v1");
    cr.setKind("ControllerRevision");
    cr.setMetadata(meta);
    cr.setData(dataOf(templatePatch(template)));
    cr.setRevision(revision);
    return cr;
  }

  /** The JSON tree as the plain maps and lists fabric8 keeps in {@code data}. */
  public static Object dataOf(JsonNode tree) {
    return JSON.convertValue(tree, Object.class);
  }

  /** Ascending by revision, then creation time, then name (upstream's SortControllerRevisions). */
  public static final Comparator<ControllerRevision> ORDER =
      Comparator.comparingLong(Revisions::revisionOf)
          .thenComparing(
              r -> {
                Instant t = Times.parse(r.getMetadata().getCreationTimestamp());
                return t == null ? Instant.MIN : t;
              })
          .thenComparing(r -> Objects.requireNonNullElse(r.getMetadata().getName(), ""));

  /** A sorted copy of {@code revisions}. */
  public static List<ControllerRevision> sort(List<ControllerRevision> revisions) {
    List<ControllerRevision> out = new ArrayList<>(revisions);
    out.sort(ORDER);
    return out;
  }

  public static long revisionOf(ControllerRevision r) {
    return r.getRevision() == null ? 0 : r.getRevision();
  }

  /** Whether both restore the same data. */
  public static boolean equalRevision(ControllerRevision a, ControllerRevision b) {
    if (a == null || b == null) {
      return a == b;
    }
    return raw(a).equals(raw(b));
  }

  /** The revisions of {@code revisions} equal to {@code needle}, in their order. */
  public static List<ControllerRevision> findEqualRevisions(
      List<ControllerRevision> revisions, ControllerRevision needle) {
    String raw = raw(needle);
    return revisions.stream().filter(r -> raw(r).equals(raw)).toList();
  }

  /** One more than the last revision of the sorted {@code revisions}; 1 when there are none. */
  public static long nextRevision(List<ControllerRevision> sortedRevisions) {
    return sortedRevisions.isEmpty() ? 1 : revisionOf(sortedRevisions.getLast()) + 1;
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        fields.put(e.getKey(), sorted(e.getValue()));
      }
      ObjectNode out = JSON.createObjectNode();
      fields.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = JSON.createArrayNode();
      node.forEach(child -> out.add(sorted(child)));
      return out;
    }
    return node;
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
