package io.skiff.apiserver.discovery;

import io.skiff.api.ResourceType;
import java.util.List;

/**
 * How upstream's discovery describes one subresource: the kind it answers with and its verbs.
 * {@code group} and {@code version} are set only where upstream's storage names a kind of another
 * group ({@code scale} answers autoscaling/v1 Scale, {@code eviction} policy/v1 Eviction); the
 * scale client of kubectl reads exactly those two fields to pick the Scale version.
 */
record Subresource(String name, String group, String version, String kind, List<String> verbs) {

  private static final List<String> READ_WRITE = List.of("get", "patch", "update");
  private static final List<String> CONNECT = List.of("create", "get");

  Subresource {
    verbs = List.copyOf(verbs);
  }

  /**
   * The description of {@code parent}'s subresource {@code name}, as kube-apiserver 1.28–1.33 lists
   * it. Fails for a subresource it does not know, so that a new one in the registry cannot be
   * advertised with guessed verbs.
   */
  static Subresource of(ResourceType parent, String name) {
    String own = parent.kind();
    return switch (name) {
      case "status", "ephemeralcontainers", "resize" -> local(name, own, READ_WRITE);
      case "scale" -> new Subresource(name, "autoscaling", "v1", "Scale", READ_WRITE);
      case "finalize" -> local(name, own, List.of("update"));
      case "binding" -> local(name, "Binding", List.of("create"));
      case "eviction" -> new Subresource(name, "policy", "v1", "Eviction", List.of("create"));
      case "log" -> local(name, own, List.of("get"));
      case "token" ->
          new Subresource(name, "authentication.k8s.io", "v1", "TokenRequest", List.of("create"));
      case "attach", "exec", "portforward" ->
          local(name, own + connectOptionsName(name) + "Options", CONNECT);
      case "proxy" ->
          local(name, own + "ProxyOptions", List.of("create", "delete", "get", "patch", "update"));
      default ->
          throw new IllegalArgumentException(
              "no discovery description for subresource " + parent.plural() + "/" + name);
    };
  }

  private static String connectOptionsName(String name) {
    return switch (name) {
      case "attach" -> "Attach";
      case "exec" -> "Exec";
      default -> "PortForward";
    };
  }

  private static Subresource local(String name, String kind, List<String> verbs) {
    return new Subresource(name, "", "", kind, verbs);
  }
}
