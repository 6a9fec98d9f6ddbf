package io.skiff.controllers.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which controllers run: kube-controller-manager's {@code --controllers} list. {@code *} enables
 * every controller that is on by default, {@code foo} enables controller {@code foo}, {@code -foo}
 * disables it; the first entry that names a controller decides for it, and a controller named by
 * none runs only if the list has {@code *}. Old names (upstream's aliases, e.g. {@code deployment}
 * for {@code deployment-controller}) are accepted and mean the canonical name.
 */
public final class ControllerSelection {

  /** {@code --controllers=*}, upstream's default. */
  public static final ControllerSelection ALL = new ControllerSelection(List.of("*"));

  private final List<String> entries;

  private ControllerSelection(List<String> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads a {@code --controllers} list against the controllers there are. Empty entries (as in
   * {@code --controllers=}) are dropped, so an empty list enables nothing.
   *
   * @param known canonical names of every controller
   * @param aliases old names to canonical ones
   * @throws IllegalArgumentException with upstream's text for every entry, enabling or disabling,
   *     that names no known controller
   */
  public static ControllerSelection parse(
      List<String> entries, Collection<String> known, Map<String, String> aliases) {
    Set<String> names = Set.copyOf(known);
    List<String> canonical = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String entry : entries) {
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        canonical.add(entry);
        continue;
      }
      boolean disable = entry.startsWith("-");
      String name = disable ? entry.substring(1) : entry;
      String resolved = aliases.getOrDefault(name, name);
      if (!names.contains(resolved)) {
        errors.add("\"" + name + "\" is not in the list of known controllers");
        continue;
      }
      canonical.add(disable ? "-" + resolved : resolved);
    }
    if (!errors.isEmpty()) {
      // apimachinery's aggregate error: one error as itself, several in brackets.
      throw new IllegalArgumentException(
          errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    return new ControllerSelection(canonical);
  }

  /** Whether the controller of canonical name {@code name} runs: upstream's IsControllerEnabled. */
  public boolean isEnabled(String name) {
    boolean star = false;
    for (String entry : entries) {
      if (entry.equals(name)) {
        return true;
      }
      if (entry.equals("-" + name)) {
        return false;
      }
      if (entry.equals("*")) {
        star = true;
      }
    }
    return star;
  }

  /** The entries with aliases resolved to canonical names. */
  public List<String> entries() {
    return entries;
  }

  @Override
  public String toString() {
    return String.join(",", entries);
  }
}
