package io.skiff.api.validation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * An immutable path to a field, printed as upstream prints {@code field.Path}: children joined by
 * dots, list indexes and map keys in brackets ({@code spec.template.spec.containers[0].image},
 * {@code metadata.labels[app]}).
 */
public final class FieldPath {

  private final FieldPath parent;
  private final String name;
  private final String index;

  private FieldPath(FieldPath parent, String name, String index) {
    this.parent = parent;
    this.name = name;
    this.index = index;
  }

  /** A path from its first element and any further children. */
  public static FieldPath of(String root, String... more) {
    FieldPath p = new FieldPath(null, Objects.requireNonNull(root), null);
    for (String m : more) {
      p = p.child(m);
    }
    return p;
  }

  /** One or more named children. */
  public FieldPath child(String first, String... more) {
    FieldPath p = new FieldPath(this, Objects.requireNonNull(first), null);
    for (String m : more) {
      p = new FieldPath(p, m, null);
    }
    return p;
  }

  /** A list element. */
  public FieldPath index(int i) {
    return new FieldPath(this, "", Integer.toString(i));
  }

  /** A map entry. */
  public FieldPath key(String key) {
    return new FieldPath(this, "", key);
  }

  @Override
  public String toString() {
    Deque<FieldPath> elems = new ArrayDeque<>();
    for (FieldPath p = this; p != null; p = p.parent) {
      elems.push(p);
    }
    StringBuilder b = new StringBuilder();
    for (FieldPath p : elems) {
      boolean named = !p.name.isEmpty();
      if (p.parent != null && named) {
        b.append('.');
      }
      if (named) {
        b.append(p.name);
      } else {
        // A root with an empty name prints as "[]", exactly as upstream's NewPath("") does.
        b.append('[').append(p.index == null ? "" : p.index).append(']');
      }
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
