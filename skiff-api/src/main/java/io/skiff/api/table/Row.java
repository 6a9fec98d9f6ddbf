package io.skiff.api.table;

import java.util.List;

/**
 * The printed form of one object: its cells, one per column, and row conditions.
 *
 * @param cells {@link String}, {@link Long} or {@link Boolean} values, typed as upstream's cells
 *     (counts are int64 numbers even where the column says {@code string})
 * @param conditions upstream marks finished pods {@code Completed}; empty for every other row
 */
public record Row(List<Object> cells, List<Condition> conditions) {

  /** A {@code meta.k8s.io/v1 TableRowCondition}. */
  public record Condition(String type, String status, String reason, String message) {}

  public Row {
    cells = List.copyOf(cells);
    conditions = List.copyOf(conditions);
  }

  static Row of(Object... cells) {
    return new Row(List.of(cells), List.of());
  }
}
