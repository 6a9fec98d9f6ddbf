package io.skiff.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.api.apply.Schema.TypeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Structured-merge-diff's Updater for one kind at one version: how non-apply writes move field
 * ownership, and how an apply merges a configuration, prunes what its manager stopped applying and
 * detects conflicts. Fields the strategy resets ({@code status} on the main resource, {@code spec}
 * on {@code /status}) are ignored: nobody comes to own them through that endpoint.
 */
final class Updater {

  /** The fields a manager owns, at an API version, through apply or through other writes. */
  record VersionedSet(FieldSet set, String apiVersion, boolean applied) {}

  /** A field owned by another manager that an apply would change. */
  record Conflict(ManagerId manager, List<PathElement> path) {}

  /** An apply refused for conflicts, listed per manager in identifier order. */
  static final class ConflictsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Conflict> conflicts;

    ConflictsException(List<Conflict> conflicts) {
      super(conflicts.size() + " conflicts");
      this.conflicts = List.copyOf(conflicts);
    }

    List<Conflict> conflicts() {
      return conflicts;
    }
  }

  /** An apply's outcome: the merged object, or {@code null} when it equals the live one. */
  record Applied(JsonNode object, Map<ManagerId, VersionedSet> managers) {}

  private final Typed typed;
  private final TypeRef type;
  private final String version;
  private final FieldSet ignored;

  Updater(Typed typed, TypeRef type, String version, FieldSet ignored) {
    this.typed = typed;
    this.type = type;
    this.version = version;
    this.ignored = ignored;
  }

  /**
   * Ownership after a non-apply write by {@code manager}: it takes every field it added or changed
   * from the others, and gives up the ones it removed.
   */
  Map<ManagerId, VersionedSet> update(
      JsonNode live, JsonNode next, Map<ManagerId, VersionedSet> managers, ManagerId manager) {
    Map<ManagerId, VersionedSet> out = new TreeMap<>(managers);
    Typed.Comparison compare;
    try {
      compare = update(live, next, out, manager, true);
    } catch (ConflictsException e) {
      throw new IllegalStateException("a forced update cannot conflict", e);
    }
    VersionedSet previous = out.get(manager);
    FieldSet set =
        (previous == null ? FieldSet.EMPTY : previous.set())
            .difference(compare.removed())
            .union(compare.modified())
            .union(compare.added())
            .recursiveDifference(ignored);
    if (set.isEmpty()) {
      out.remove(manager);
    } else {
      out.put(manager, new VersionedSet(set, version, false));
    }
    return out;
  }

  /**
   * Merges {@code config} into {@code live} for {@code manager}: the result, and ownership after
   * it.
   *
   * @throws ConflictsException unless {@code force}, when another manager owns a field the apply
   *     changes
   */
  Applied apply(
      JsonNode live,
      JsonNode config,
      Map<ManagerId, VersionedSet> managers,
      ManagerId manager,
      boolean force)
      throws ConflictsException {
    Map<ManagerId, VersionedSet> out = new TreeMap<>(managers);
    JsonNode merged = typed.merge(live, config, type);
    VersionedSet last = out.get(manager);
    FieldSet set = typed.toFieldSet(config, type).recursiveDifference(ignored);
    out.put(manager, new VersionedSet(set, version, true));
    merged = prune(merged, out, last);
    update(live, merged, out, manager, force);
    if (Values.equal(live, merged)) {
      merged = null;
    }
    return new Applied(merged, out);
  }

  private Typed.Comparison update(
      JsonNode live,
      JsonNode next,
      Map<ManagerId, VersionedSet> managers,
      ManagerId workflow,
      boolean force)
      throws ConflictsException {
    Typed.Comparison compare =
        typed
            .compare(typed.materialize(live, type), typed.materialize(next, type), type)
            .excluding(ignored);
    FieldSet changed = compare.modified().union(compare.added());
    Map<ManagerId, FieldSet> conflicts = new TreeMap<>();
    for (ManagerId m : new ArrayList<>(managers.keySet())) {
      if (m.equals(workflow)) {
        continue;
      }
      VersionedSet vs = managers.get(m);
      if (!vs.apiVersion().equals(version)) {
        // Upstream drops what it cannot convert to the version being written.
        managers.remove(m);
        continue;
      }
      FieldSet conflict = vs.set().intersection(changed);
      if (!conflict.isEmpty()) {
        conflicts.put(m, conflict);
      }
    }
    if (!force && !conflicts.isEmpty()) {
      List<Conflict> list = new ArrayList<>();
      conflicts.forEach((m, set) -> set.forEachPath(p -> list.add(new Conflict(m, p))));
      throw new ConflictsException(list);
    }
    for (ManagerId m : new ArrayList<>(managers.keySet())) {
      if (m.equals(workflow)) {
        continue;
      }
      VersionedSet vs = managers.get(m);
      FieldSet set = vs.set();
      if (conflicts.containsKey(m)) {
        set = set.difference(conflicts.get(m));
      }
      set = set.difference(compare.removed());
      if (set.isEmpty()) {
        managers.remove(m);
      } else {
        managers.put(m, new VersionedSet(set, vs.apiVersion(), vs.applied()));
      }
    }
    return compare;
  }

  /**
   * Removes what the applier owned last time and no longer applies, unless another manager (or its
   * new configuration) owns it; fields that nobody owned stay.
   */
  private JsonNode prune(
      JsonNode merged, Map<ManagerId, VersionedSet> managers, VersionedSet last) {
    if (last == null || last.set().isEmpty() || !last.apiVersion().equals(version)) {
      return merged;
    }
    Schema schema = typed.schema();
    JsonNode pruned =
        typed.removeItems(merged, last.set().ensureNamedFieldsAreMembers(schema, type), type);
    FieldSet managed = FieldSet.EMPTY;
    for (VersionedSet vs : managers.values()) {
      if (vs.apiVersion().equals(version)) {
        managed = managed.union(vs.set());
      }
    }
    FieldSet mergedSet = ensure(merged);
    pruned =
        typed.removeItems(
            merged,
            mergedSet.difference(
                ensure(pruned).union(managed.ensureNamedFieldsAreMembers(schema, type))),
            type);
    FieldSet lastSet = last.set().ensureNamedFieldsAreMembers(schema, type);
    return typed.removeItems(
        merged, mergedSet.difference(ensure(pruned)).intersection(lastSet), type);
  }

  private FieldSet ensure(JsonNode value) {
    return typed.toFieldSet(value, type).ensureNamedFieldsAreMembers(typed.schema(), type);
  }
}
