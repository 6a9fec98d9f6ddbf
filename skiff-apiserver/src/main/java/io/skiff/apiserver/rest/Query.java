package io.skiff.apiserver.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The decoded query parameters of a request (the first value of a repeated one, as Go's
 * Values.Get).
 */
final class Query {

  private final Map<String, String> values = new HashMap<>();

  Query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      values.putIfAbsent(decode(k), decode(v));
    }
  }

  String get(String name) {
    return values.get(name);
  }

  String get(String name, String otherwise) {
    String v = values.get(name);
    return v == null ? otherwise : v;
  }

  boolean flag(String name) {
    String v = values.get(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
