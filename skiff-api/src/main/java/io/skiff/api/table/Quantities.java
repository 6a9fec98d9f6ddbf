package io.skiff.api.table;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upstream's canonical form of a resource quantity ({@code resource.Quantity.String()}), which the
 * API server prints instead of the text it was given: {@code 1024Mi} prints as {@code 1Gi}, {@code
 * 1.5Gi} as {@code 1536Mi}, {@code 0.5} as {@code 500m}.
 */
final class Quantities {

  private static final Pattern QUANTITY =
      Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(.*)");
  private static final Map<String, Integer> BINARY =
      Map.of("Ki", 1, "Mi", 2, "Gi", 3, "Ti", 4, "Pi", 5, "Ei", 6);
  private static final Map<String, Integer> DECIMAL =
      Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final String[] DECIMAL_SUFFIX = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY_SUFFIX = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger KI = BigInteger.valueOf(1024);

  private Quantities() {}

  /** The canonical text; text that does not parse as a quantity is returned unchanged. */
  static String canonical(Quantity q) {
    if (q == null) {
      return "0";
    }
    String text = Cells.str(q.getAmount()) + Cells.str(q.getFormat());
    Matcher m = QUANTITY.matcher(text);
    if (!m.matches()) {
      return text;
    }
    String suffix = m.group(2);
    BigDecimal value;
    boolean binary = BINARY.containsKey(suffix);
    if (binary) {
      value = new BigDecimal(m.group(1)).multiply(new BigDecimal(KI.pow(BINARY.get(suffix))));
    } else if (DECIMAL.containsKey(suffix)) {
      value = new BigDecimal(m.group(1)).scaleByPowerOfTen(DECIMAL.get(suffix));
    } else if (suffix.matches("[eE][+-]?[0-9]+")) {
      value = new BigDecimal(m.group(1)).scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    } else {
      return text;
    }
    // Quantities keep nano precision, rounding up anything finer.
    if (value.scale() > 9) {
      value = value.setScale(9, RoundingMode.CEILING);
    }
    if (value.signum() == 0) {
      return "0";
    }
    boolean exponent = !binary && !DECIMAL.containsKey(suffix);
    if (binary && value.abs().compareTo(new BigDecimal(KI)) >= 0) {
      BigDecimal whole = value.stripTrailingZeros();
      if (whole.scale() <= 0) {
        BigInteger n = whole.toBigIntegerExact();
        int power = 0;
        while (power < 6 && n.mod(KI).signum() == 0) {
          n = n.divide(KI);
          power++;
        }
        return n + BINARY_SUFFIX[power];
      }
    }
    BigDecimal stripped = value.stripTrailingZeros();
    BigInteger mantissa = stripped.unscaledValue();
    int exp = -stripped.scale();
    int shift = Math.floorMod(exp, 3);
    mantissa = mantissa.multiply(BigInteger.TEN.pow(shift));
    exp -= shift;
    if (exponent || exp < -9 || exp > 18) {
      return exp == 0 ? mantissa.toString() : mantissa + "e" + exp;
    }
    return mantissa + DECIMAL_SUFFIX[exp / 3 + 3];
  }
}
