package io.skiff.bench.apiserver;

import java.nio.charset.StandardCharsets;

/** What the benchmark creates: the same JSON bodies go to every target. */
public enum ObjectKind {
  /** About 600 bytes: a small application config, the commonest object in tests. */
  CONFIGMAP("configmaps") {
    @Override
    String json(String name) {
      return """
          {"apiVersion":"v1","kind":"ConfigMap",\
          "metadata":{"name":"%s","labels":{"app":"bench","tier":"backend"},\
          "annotations":{"bench.skiff.io/purpose":"load"}},\
          "data":{"application.properties":"server.port=8080\\nlogging.level.root=INFO\\n\
          spring.datasource.url=jdbc:postgresql://db:5432/app\\nfeature.flags=a,b,c\\n",\
          "settings.json":"{\\"replicas\\":3,\\"timeoutSeconds\\":30,\\"retries\\":5}",\
          "motd":"The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrstuvwxyz"}}
          """
          .formatted(name);
    }
  },
  /**
   * A pod as a controller would create it before defaulting: Skiff defaults and validates it in
   * full, the mock stores it as sent.
   */
  POD("pods") {
    @Override
    String json(String name) {
      return """
          {"apiVersion":"v1","kind":"Pod",\
          "metadata":{"name":"%s","labels":{"app":"bench","tier":"backend"}},\
          "spec":{"containers":[{"name":"app","image":"nginx:1.27",\
          "ports":[{"containerPort":80}],\
          "env":[{"name":"MODE","value":"bench"}],\
          "resources":{"requests":{"cpu":"100m","memory":"64Mi"},\
          "limits":{"cpu":"500m","memory":"128Mi"}}}]}}
          """
          .formatted(name);
    }
  };

  private final String resource;

  ObjectKind(String resource) {
    this.resource = resource;
  }

  /** The plural resource name in the URL path. */
  public String resource() {
    return resource;
  }

  abstract String json(String name);

  byte[] body(String name) {
    return json(name).strip().getBytes(StandardCharsets.UTF_8);
  }
}
