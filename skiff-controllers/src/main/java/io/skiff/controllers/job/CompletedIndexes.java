package io.skiff.controllers.job;

import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The {@code status.completedIndexes} text of an Indexed Job: ordered intervals such as {@code
 * 1,3-5,7}, upstream's {@code orderedIntervals}.
 */
final class CompletedIndexes {

  private CompletedIndexes() {}

  /**
   * The indexes below {@code completions} that {@code text} names; malformed parts are skipped, as
   * upstream's parseIndexesFromString does, so a damaged status cannot wedge the Job.
   */
  static TreeSet<Integer> parse(String text, int completions) {
    TreeSet<Integer> out = new TreeSet<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String part : text.split(",")) {
      String[] limits = part.split("-", 2);
      try {
        int first = Integer.parseInt(limits[0]);
        int last = limits.length == 2 ? Integer.parseInt(limits[1]) : first;
        if (first < 0 || last < first || first >= completions) {
          continue;
        }
        last = Math.min(last, completions - 1);
        for (int i = first; i <= last; i++) {
          out.add(i);
        }
      } catch (NumberFormatException e) {
        // upstream logs and skips the interval
      }
    }
    return out;
  }

  /** {@code indexes} as ordered intervals: a single index as {@code n}, a run as {@code a-b}. */
  static String format(SortedSet<Integer> indexes) {
    StringBuilder sb = new StringBuilder();
    Iterator<Integer> it = indexes.iterator();
    if (!it.hasNext()) {
      return "";
    }
    int first = it.next();
    int last = first;
    while (it.hasNext()) {
      int next = it.next();
      if (next == last + 1) {
        last = next;
        continue;
      }
      append(sb, first, last);
      first = next;
      last = next;
    }
    append(sb, first, last);
    return sb.toString();
  }

  private static void append(StringBuilder sb, int first, int last) {
    if (!sb.isEmpty()) {
      sb.append(',');
    }
    sb.append(first);
    if (last != first) {
      sb.append('-').append(last);
    }
  }
}
