package io.skiff.apiserver.discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One clause of an Accept header, parsed and ordered exactly as upstream's {@code goautoneg} does,
 * because both the API server's discovery negotiation and kube-openapi's handlers walk the clauses
 * in that order and serve the first one they support.
 */
record MediaRange(String type, String subType, double q, Map<String, String> params) {

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  MediaRange {
    params = Map.copyOf(params);
  }

  boolean matches(String wantedType, String wantedSubType) {
    return (type.equals(wantedType) || type.equals("*"))
        && (subType.equals(wantedSubType) || subType.equals("*"));
  }

  String param(String name) {
    return params.getOrDefault(name, "");
  }

  /**
   * The clauses of {@code header}, most preferred first. Like goautoneg, clauses without a slash
   * are dropped (except a bare {@code *}), only spaces are trimmed, an unparsable q counts as 0 and
   * a q=0 clause is kept: upstream's negotiation does not skip it either.
   */
  static List<MediaRange> parse(String header) {
    List<MediaRange> out = new ArrayList<>();
    for (String rawPart : header.split(",", -1)) {
      String part = trimSpaces(rawPart);
      String[] mrp = part.split(";", -1);
      String[] typeAndSub = mrp[0].split("/", -1);
      String type = trimSpaces(typeAndSub[0]);
      String subType;
      if (typeAndSub.length == 1 && type.equals("*")) {
        subType = "*";
      } else if (typeAndSub.length == 2) {
        subType = trimSpaces(typeAndSub[1]);
      } else {
        continue;
      }
      double q = 1.0;
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 1; i < mrp.length; i++) {
        int eq = mrp[i].indexOf('=');
        if (eq < 0) {
          continue;
        }
        String token = trimSpaces(mrp[i].substring(0, eq));
        String value = mrp[i].substring(eq + 1);
        if (token.equals("q")) {
          q = parseQ(value);
        } else {
          params.put(token, trimSpaces(value));
        }
      }
      out.add(new MediaRange(type, subType, q, params));
    }
    insertionSort(out);
    return out;
  }

  /**
   * Go's sort.Sort runs an insertion sort on fewer than 13 elements, and goautoneg's ordering is
   * not a strict weak order (a specific type beats a wildcard whatever their q), so only the same
   * algorithm reproduces upstream's order on every header.
   */
  private static void insertionSort(List<MediaRange> clauses) {
    for (int i = 1; i < clauses.size(); i++) {
      for (int j = i; j > 0 && less(clauses.get(j), clauses.get(j - 1)); j--) {
        MediaRange tmp = clauses.get(j);
        clauses.set(j, clauses.get(j - 1));
        clauses.set(j - 1, tmp);
      }
    }
  }

  private static boolean less(MediaRange a, MediaRange b) {
    if (a.q > b.q) {
      return true;
    }
    if (!a.type.equals("*") && b.type.equals("*")) {
      return true;
    }
    return !a.subType.equals("*") && b.subType.equals("*");
  }

  /** Go's strconv.ParseFloat(v, 32) with the error ignored: anything unparsable is 0. */
  private static double parseQ(String value) {
    // Java would also accept surrounding blanks and a trailing 'f' or 'd'; Go does not.
    if (!DECIMAL.matcher(value).matches()) {
      return 0;
    }
    return (float) Double.parseDouble(value);
  }

  private static String trimSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(start, end);
  }
}
