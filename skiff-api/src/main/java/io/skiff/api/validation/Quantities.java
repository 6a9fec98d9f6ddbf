package io.skiff.api.validation;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes {@code resource.Quantity} arithmetic: parsing, comparison, and the canonical string
 * upstream stores and prints ({@code 1.5} → {@code 1500m}, {@code 1.5Gi} → {@code 1536Mi}).
 */
public final class Quantities {

  private Quantities() {}

  /** How a quantity's suffix is written; upstream keeps it when it re-prints the value. */
  public enum Format {
    DECIMAL_SI("DecimalSI"),
    BINARY_SI("BinarySI"),
    DECIMAL_EXPONENT("DecimalExponent");

    private final String goName;

    Format(String goName) {
      this.goName = goName;
    }

    String goName() {
      return goName;
    }
  }

  /**
   * A parsed quantity.
   *
   * @param value the exact amount
   * @param format the suffix family it was written in
   * @param literalMantissa the digits as written, without the decimal point (for {@code %#v})
   * @param literalScale the power of ten of {@code literalMantissa}
   */
  public record Parsed(
      BigDecimal value, Format format, BigInteger literalMantissa, int literalScale) {}

  private static final Pattern SYNTAX =
      Pattern.compile("([+-]?)([0-9]*)(?:\\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)");

  private static final Map<String, Integer> DECIMAL_SUFFIXES =
      Map.ofEntries(
          Map.entry("n", -9),
          Map.entry("u", -6),
          Map.entry("m", -3),
          Map.entry("", 0),
          Map.entry("k", 3),
          Map.entry("M", 6),
          Map.entry("G", 9),
          Map.entry("T", 12),
          Map.entry("P", 15),
          Map.entry("E", 18));

  private static final Map<String, Integer> BINARY_SUFFIXES =
      Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);

  private static final String[] DECIMAL_BY_EXPONENT = {
    "n", "u", "m", "", "k", "M", "G", "T", "P", "E"
  };
  private static final String[] BINARY_BY_POWER = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  /** Parses a fabric8 quantity; empty when upstream's parser would reject it. */
  public static Optional<Parsed> parse(Quantity q) {
    if (q == null) {
      return Optional.empty();
    }
    String amount = q.getAmount() == null ? "" : q.getAmount();
    String format = q.getFormat() == null ? "" : q.getFormat();
    return parse(amount + format);
  }

  /** Parses a quantity string such as {@code 500m}, {@code 1.5Gi} or {@code 12e3}. */
  public static Optional<Parsed> parse(String text) {
    String s = text.trim();
    Matcher m = SYNTAX.matcher(s);
    if (s.isEmpty() || !m.matches()) {
      return Optional.empty();
    }
    String sign = m.group(1);
    String whole = m.group(2);
    String frac = m.group(3) == null ? "" : m.group(3);
    String suffix = m.group(4);
    if (whole.isEmpty() && frac.isEmpty()) {
      return Optional.empty();
    }
    BigInteger mantissa = new BigInteger((whole + frac).isEmpty() ? "0" : whole + frac);
    if (sign.equals("-")) {
      mantissa = mantissa.negate();
    }
    int scale = -frac.length();
    BigDecimal number = new BigDecimal(mantissa, -scale);
    Format fmt;
    BigDecimal value;
    int literalScale = scale;
    if (DECIMAL_SUFFIXES.containsKey(suffix)) {
      int exp = DECIMAL_SUFFIXES.get(suffix);
      fmt = Format.DECIMAL_SI;
      value = number.scaleByPowerOfTen(exp);
      literalScale += exp;
    } else if (BINARY_SUFFIXES.containsKey(suffix)) {
      fmt = Format.BINARY_SI;
      value = number.multiply(new BigDecimal(BigInteger.TWO.pow(BINARY_SUFFIXES.get(suffix))));
    } else if (suffix.matches("[eE][-+]?[0-9]+")) {
      int exp;
      try {
        exp = Integer.parseInt(suffix.substring(1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      fmt = Format.DECIMAL_EXPONENT;
      value = number.scaleByPowerOfTen(exp);
      literalScale += exp;
    } else {
      return Optional.empty();
    }
    // Upstream keeps nothing finer than nano units and rounds anything finer up.
    if (value.scale() > 9) {
      value = value.setScale(9, RoundingMode.UP);
    }
    return Optional.of(new Parsed(value, fmt, mantissa, literalScale));
  }

  /** The canonical text of a quantity, rounded up to milli-units as upstream's defaulting does. */
  public static String canonicalMilli(Parsed p) {
    BigDecimal v = p.value();
    if (v.scale() > 3) {
      v = v.setScale(3, RoundingMode.UP);
    }
    return canonical(v, p.format());
  }

  /** The canonical text of a quantity. */
  public static String canonical(Parsed p) {
    return canonical(p.value(), p.format());
  }

  static String canonical(BigDecimal value, Format format) {
    if (value.signum() == 0) {
      return "0";
    }
    Format f = format;
    if (f == Format.BINARY_SI) {
      boolean small = value.abs().compareTo(BigDecimal.valueOf(1024)) < 0;
      boolean integral = value.stripTrailingZeros().scale() <= 0;
      if (small || !integral) {
        f = Format.DECIMAL_SI;
      }
    }
    if (f == Format.BINARY_SI) {
      BigInteger amount = value.toBigIntegerExact();
      BigInteger k = BigInteger.valueOf(1024);
      int power = 0;
      while (power < BINARY_BY_POWER.length - 1 && amount.mod(k).signum() == 0) {
        amount = amount.divide(k);
        power++;
      }
      return amount + BINARY_BY_POWER[power];
    }
    BigDecimal stripped = value.stripTrailingZeros();
    BigInteger mantissa = stripped.unscaledValue();
    int exponent = -stripped.scale();
    int adjust = Math.floorMod(exponent, 3);
    mantissa = mantissa.multiply(BigInteger.TEN.pow(adjust));
    exponent -= adjust;
    if (f == Format.DECIMAL_EXPONENT) {
      return exponent == 0 ? mantissa.toString() : mantissa + "e" + exponent;
    }
    int idx = exponent / 3 + 3;
    if (idx >= 0 && idx < DECIMAL_BY_EXPONENT.length) {
      return mantissa + DECIMAL_BY_EXPONENT[idx];
    }
    return mantissa + "e" + exponent;
  }

  /** Go's {@code %#v} of a {@code resource.Quantity} value, as a few upstream errors print it. */
  static GoValue goSyntax(Parsed p) {
    return () ->
        "resource.Quantity{i:resource.int64Amount{value:"
            + p.literalMantissa()
            + ", scale:"
            + p.literalScale()
            + "}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"\", Format:\""
            + p.format().goName()
            + "\"}";
  }
}
