package io.skiff.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The element order of a merged list, as upstream's {@code normalizeElementOrder} defines it: the
 * elements named by the patch (or by {@code $setElementOrder}) keep that order, the others keep the
 * live object's order, and the two runs are interleaved. A server-only element goes before a patch
 * element only if the live object had both and in that order, so elements new to the object come
 * before the server-only elements that would follow them.
 */
final class ElementOrder {

  private ElementOrder() {}

  /**
   * Orders {@code merged}. {@code key} identifies an element: its merge key value, or the value
   * itself in lists of primitives.
   */
  static ArrayNode normalize(
      List<JsonNode> merged,
      Iterable<JsonNode> order,
      Iterable<JsonNode> serverOrder,
      Function<JsonNode, Object> key) {
    Map<Object, Integer> orderIndex = indexOf(order, key);
    Map<Object, Integer> serverIndex = indexOf(serverOrder, key);
    List<JsonNode> patchItems = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      (orderIndex.containsKey(key.apply(item)) ? patchItems : serverOnly).add(item);
    }
    patchItems.sort(Comparator.comparingInt(item -> orderIndex.get(key.apply(item))));
    serverOnly.sort(
        Comparator.comparingInt(
            item -> serverIndex.getOrDefault(key.apply(item), Integer.MAX_VALUE)));

    ArrayNode result = JsonNodeFactory.instance.arrayNode(merged.size());
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() && j < patchItems.size()) {
      Integer left = serverIndex.get(key.apply(serverOnly.get(i)));
      Integer right = serverIndex.get(key.apply(patchItems.get(j)));
      boolean serverFirst = left != null && right != null && left < right;
      result.add(serverFirst ? serverOnly.get(i++) : patchItems.get(j++));
    }
    serverOnly.subList(i, serverOnly.size()).forEach(result::add);
    patchItems.subList(j, patchItems.size()).forEach(result::add);
    return result;
  }

  private static Map<Object, Integer> indexOf(
      Iterable<JsonNode> items, Function<JsonNode, Object> key) {
    Map<Object, Integer> index = new HashMap<>();
    int i = 0;
    for (JsonNode item : items) {
      index.putIfAbsent(key.apply(item), i++);
    }
    return index;
  }
}
