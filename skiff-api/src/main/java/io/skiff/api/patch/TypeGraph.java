package io.skiff.api.patch;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Strategic-merge-patch metadata written as a small type graph, one declaration per line:
 *
 * <pre>
 * # comment
 * kind apps/v1 Deployment Deployment           # apiVersion, kind, root type
 * Deployment.spec       DeploymentSpec
 * PodSpec.containers    Container[]  merge  name
 * ObjectMeta.finalizers string[]     merge
 * DeploymentSpec.strategy DeploymentStrategy retainKeys
 * </pre>
 *
 * <p>A field line names the owning type and field, the value type ({@code []} for lists), and
 * optionally the patch strategy and merge key. Only fields that carry metadata or lead to such
 * fields need declaring; everything else patches with {@link PatchMeta#NONE}.
 */
public final class TypeGraph {

  private record Field(String type, PatchStrategy strategy, String mergeKey) {}

  private record Node(TypeGraph graph, String type) implements PatchSchema {
    @Override
    public PatchMeta field(String name) {
      Field f = graph.types.getOrDefault(type, Map.of()).get(name);
      return f == null
          ? PatchMeta.NONE
          : new PatchMeta(f.strategy(), f.mergeKey(), new Node(graph, f.type()));
    }
  }

  private final Map<String, Map<String, Field>> types = new HashMap<>();
  private final Map<String, String> roots = new HashMap<>();

  private TypeGraph() {}

  /** Parses a table; malformed lines fail with their line number. */
  public static TypeGraph parse(String table) {
    TypeGraph graph = new TypeGraph();
    String[] lines = table.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        graph.declare(line.split("\\s+"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": " + e.getMessage() + ": " + lines[i].strip(), e);
      }
    }
    return graph;
  }

  /** The schema at a value of type {@code type}; a type without declarations has no metadata. */
  public PatchSchema schema(String type) {
    return new Node(this, type);
  }

  /** The schema of a declared kind's objects. */
  public Optional<PatchSchema> forKind(String apiVersion, String kind) {
    return Optional.ofNullable(roots.get(apiVersion + " " + kind)).map(this::schema);
  }

  private void declare(String[] tokens) {
    if (tokens[0].equals("kind")) {
      if (tokens.length != 4) {
        throw new IllegalArgumentException("expected: kind <apiVersion> <Kind> <root type>");
      }
      if (roots.putIfAbsent(tokens[1] + " " + tokens[2], tokens[3]) != null) {
        throw new IllegalArgumentException("kind declared twice");
      }
      return;
    }
    if (tokens.length < 2 || tokens.length > 4) {
      throw new IllegalArgumentException("expected: <Type>.<field> <type>[[]] [strategy] [key]");
    }
    int dot = tokens[0].indexOf('.');
    if (dot <= 0 || dot == tokens[0].length() - 1) {
      throw new IllegalArgumentException("expected <Type>.<field>");
    }
    boolean list = tokens[1].endsWith("[]");
    String valueType = list ? tokens[1].substring(0, tokens[1].length() - 2) : tokens[1];
    PatchStrategy strategy =
        tokens.length > 2 ? PatchStrategy.parse(tokens[2]) : PatchStrategy.NONE;
    String mergeKey = tokens.length > 3 ? tokens[3] : "";
    if (strategy.merges() && !list) {
      throw new IllegalArgumentException("only lists merge");
    }
    if (!mergeKey.isEmpty() && !strategy.merges()) {
      throw new IllegalArgumentException("a merge key needs the merge strategy");
    }
    Field previous =
        types
            .computeIfAbsent(tokens[0].substring(0, dot), t -> new HashMap<>())
            .putIfAbsent(tokens[0].substring(dot + 1), new Field(valueType, strategy, mergeKey));
    if (previous != null) {
      throw new IllegalArgumentException("field declared twice");
    }
  }
}
