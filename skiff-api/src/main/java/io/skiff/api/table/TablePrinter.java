package io.skiff.api.table;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Prints objects of one kind as Table rows.
 *
 * @param <T> the fabric8 class of the kind
 */
public interface TablePrinter<T> {

  /** Every column, wide ones included, in upstream's order. */
  List<Column> columns();

  /** The row of one object; ages are measured up to {@code now}. */
  Row print(T object, Instant now);

  static <T> TablePrinter<T> of(List<Column> columns, BiFunction<T, Instant, Row> print) {
    List<Column> copy = List.copyOf(columns);
    return new TablePrinter<>() {
      @Override
      public List<Column> columns() {
        return copy;
      }

      @Override
      public Row print(T object, Instant now) {
        return print.apply(object, now);
      }
    };
  }
}
