package io.skiff.api.codec.protobuf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.api.codec.protobuf.Schema.Cardinality;
import io.skiff.api.codec.protobuf.Schema.Field;
import io.skiff.api.codec.protobuf.Schema.Message;
import io.skiff.api.codec.protobuf.Schema.Type;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a protobuf message into the JSON that Go's encoding/json writes for the struct the message
 * decodes into: JSON names and field order from the struct, zero values left out where the field
 * has omitempty, nil slices, maps and pointers written as null where it has not, embedded structs
 * inlined, and the types with a JSON form of their own (Time, MicroTime, Duration, Quantity,
 * IntOrString, RawExtension, FieldsV1) written as their MarshalJSON writes them.
 */
final class ProtoJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 64;

  /** Go's zero time.Time, 0001-01-01T00:00:00Z, which metav1.Time writes as null. */
  private static final long GO_ZERO_TIME_SECONDS = -62_135_596_800L;

  private static final Comparator<String> GO_STRING_ORDER = ProtoJson::compareCodePoints;

  private final ObjectMapper mapper;

  ProtoJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A byte range of the body: one occurrence of a length-delimited field. */
  record Slice(byte[] buf, int off, int len) {
    static final Slice EMPTY = new Slice(new byte[0], 0, 0);

    String string() {
      return new String(buf, off, len, StandardCharsets.UTF_8);
    }

    /** Several occurrences of one message field, merged as protobuf merges them. */
    static Slice concat(List<Object> parts) {
      if (parts.size() == 1) {
        return (Slice) parts.get(0);
      }
      int n = 0;
      for (Object p : parts) {
        n += ((Slice) p).len;
      }
      byte[] joined = new byte[n];
      int at = 0;
      for (Object p : parts) {
        Slice s = (Slice) p;
        System.arraycopy(s.buf, s.off, joined, at, s.len);
        at += s.len;
      }
      return new Slice(joined, 0, n);
    }
  }

  /** Writes the members of message {@code m}, read from {@code s}, into {@code target}. */
  void writeMembers(Message m, Slice s, ObjectNode target, int depth) {
    if (depth > MAX_DEPTH) {
      throw new ProtobufException("messages nested too deeply");
    }
    List<List<Object>> seen = read(m, s);
    for (int i = 0; i < m.fields.size(); i++) {
      Field f = m.fields.get(i);
      List<Object> values = seen.get(i);
      switch (f.cardinality) {
        case MAP -> writeMap(f, values, target, depth);
        case REPEATED -> writeRepeated(f, values, target, depth);
        case SINGLE -> writeSingle(f, values, target, depth);
      }
    }
  }

  /**
   * Every occurrence of each field of {@code m}, by field index: Longs for numbers (packed repeated
   * fields unpacked), Slices for length-delimited values. Unknown fields are skipped, as Go's
   * generated Unmarshal skips them; a known field with the wrong wire type is an error, as there.
   */
  private static List<List<Object>> read(Message m, Slice s) {
    List<List<Object>> seen = new ArrayList<>(m.fields.size());
    for (int i = 0; i < m.fields.size(); i++) {
      seen.add(new ArrayList<>(1));
    }
    WireReader r = new WireReader(s.buf, s.off, s.len);
    while (!r.atEnd()) {
      long tag = r.tag();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      Field f = m.field(number);
      if (f == null) {
        if (wireType == WireReader.END_GROUP) {
          throw new ProtobufException("unexpected end group in " + m.name);
        }
        r.skip(wireType, 0);
        continue;
      }
      List<Object> values = seen.get(f.index);
      int expected = f.cardinality == Cardinality.MAP ? WireReader.LEN : f.type.wireType();
      if (f.slice) {
        expected = WireReader.LEN;
      }
      if (wireType == expected) {
        if (wireType == WireReader.LEN) {
          int n = r.length();
          values.add(new Slice(s.buf, r.position(), n));
          r.skipBytes(n);
        } else {
          values.add(scalar(r, wireType));
        }
      } else if (wireType == WireReader.LEN
          && f.cardinality == Cardinality.REPEATED
          && expected != WireReader.LEN) {
        int n = r.length();
        WireReader packed = new WireReader(s.buf, r.position(), n);
        while (!packed.atEnd()) {
          values.add(scalar(packed, expected));
        }
        r.skipBytes(n);
      } else {
        throw new ProtobufException(
            "wrong wire type " + wireType + " for field " + f.json + " of " + m.name);
      }
    }
    return seen;
  }

  private static long scalar(WireReader r, int wireType) {
    return switch (wireType) {
      case WireReader.VARINT -> r.varint();
      case WireReader.FIXED32 -> r.fixed32() & 0xffffffffL;
      case WireReader.FIXED64 -> r.fixed64();
      default -> throw new ProtobufException("illegal wire type " + wireType);
    };
  }

  private void writeSingle(Field f, List<Object> values, ObjectNode target, int depth) {
    if (f.inline) {
      Slice s = values.isEmpty() ? Slice.EMPTY : Slice.concat(values);
      writeMembers(f.message, s, target, depth + 1);
      return;
    }
    if (f.slice) {
      if (values.isEmpty()) {
        absent(f, target);
        return;
      }
      Message items = f.message;
      ObjectNode holder = NODES.objectNode();
      writeMembers(items, Slice.concat(values), holder, depth + 1);
      JsonNode array = holder.get(items.fields.get(0).json);
      if (array != null && !array.isNull()) {
        target.set(f.json, array);
      } else if (f.keep) {
        target.set(f.json, NODES.arrayNode());
      }
      return;
    }
    if (f.type == Type.MESSAGE) {
      if (values.isEmpty() && f.pointer) {
        absent(f, target);
      } else {
        // A struct value is always written: encoding/json ignores omitempty on structs.
        Slice s = values.isEmpty() ? Slice.EMPTY : Slice.concat(values);
        target.set(f.json, messageValue(f.message, s, depth + 1));
      }
      return;
    }
    if (f.type == Type.BYTES) {
      // []byte: nil when absent, empty but not nil when present with no bytes.
      if (values.isEmpty()) {
        absent(f, target);
        return;
      }
      Slice s = (Slice) values.get(values.size() - 1);
      if (s.len > 0 || f.keep) {
        target.set(f.json, bytes(s));
      }
      return;
    }
    if (values.isEmpty()) {
      if (f.pointer) {
        absent(f, target);
      } else if (f.keep) {
        target.set(f.json, zero(f.type));
      }
      return;
    }
    Object last = values.get(values.size() - 1);
    if (f.pointer || f.keep || !isZero(f.type, last)) {
      target.set(f.json, scalarValue(f.type, last));
    }
  }

  /** A nil pointer, slice or map: null without omitempty, left out with it. */
  private static void absent(Field f, ObjectNode target) {
    if (f.keep) {
      target.putNull(f.json);
    }
  }

  private void writeRepeated(Field f, List<Object> values, ObjectNode target, int depth) {
    if (values.isEmpty()) {
      absent(f, target);
      return;
    }
    ArrayNode array = NODES.arrayNode(values.size());
    for (Object v : values) {
      array.add(elementValue(f, v, depth));
    }
    target.set(f.json, array);
  }

  private void writeMap(Field f, List<Object> entries, ObjectNode target, int depth) {
    if (entries.isEmpty()) {
      absent(f, target);
      return;
    }
    // encoding/json writes map keys sorted; Go compares strings bytewise (code point order).
    Map<String, JsonNode> sorted = new TreeMap<>(GO_STRING_ORDER);
    for (Object e : entries) {
      Slice entry = (Slice) e;
      Object key = null;
      Object value = null;
      WireReader r = new WireReader(entry.buf, entry.off, entry.len);
      while (!r.atEnd()) {
        long tag = r.tag();
        int number = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        Type t = number == 1 ? f.keyType : number == 2 ? f.type : null;
        if (t == null) {
          r.skip(wireType, 0);
          continue;
        }
        if (wireType != t.wireType()) {
          throw new ProtobufException("wrong wire type " + wireType + " in map " + f.json);
        }
        Object v;
        if (wireType == WireReader.LEN) {
          int n = r.length();
          v = new Slice(entry.buf, r.position(), n);
          r.skipBytes(n);
        } else {
          v = scalar(r, wireType);
        }
        if (number == 1) {
          key = v;
        } else if (t == Type.MESSAGE && value != null) {
          value = Slice.concat(List.of(value, v));
        } else {
          value = v;
        }
      }
      String k = key == null ? zero(f.keyType).asText() : scalarValue(f.keyType, key).asText();
      JsonNode v;
      if (value == null) {
        v =
            switch (f.type) {
              case MESSAGE -> messageValue(f.message, Slice.EMPTY, depth + 1);
              case BYTES -> NODES.nullNode();
              default -> zero(f.type);
            };
      } else if (f.type == Type.MESSAGE) {
        v = messageValue(f.message, (Slice) value, depth + 1);
      } else {
        v = scalarValue(f.type, value);
      }
      sorted.put(k, v);
    }
    ObjectNode object = NODES.objectNode();
    sorted.forEach(object::set);
    target.set(f.json, object);
  }

  private JsonNode elementValue(Field f, Object v, int depth) {
    return f.type == Type.MESSAGE
        ? messageValue(f.message, (Slice) v, depth + 1)
        : scalarValue(f.type, v);
  }

  /** A message as a JSON value: an object, or the special types' own form. */
  JsonNode messageValue(Message m, Slice s, int depth) {
    return switch (m.special) {
      case NONE -> {
        ObjectNode object = NODES.objectNode();
        writeMembers(m, s, object, depth);
        yield object;
      }
      case TIME, MICRO_TIME -> time(m, s);
      case DURATION -> {
        long nanos = 0;
        for (Object v : firstField(m, s)) {
          nanos = (Long) v;
        }
        yield NODES.textNode(goDuration(nanos));
      }
      case QUANTITY -> {
        // The zero Quantity writes as "0"; any other is its string, which the JSON path parses.
        String q = "0";
        for (Object v : firstField(m, s)) {
          q = ((Slice) v).string();
        }
        yield NODES.textNode(q);
      }
      case INT_OR_STRING -> intOrString(m, s);
      case RAW_EXTENSION, FIELDS_V1 -> rawJson(m, s);
    };
  }

  /** The values of field 1 of a special message. */
  private static List<Object> firstField(Message m, Slice s) {
    Field f = m.field(1);
    if (f == null) {
      throw new IllegalStateException(m.name + " has no field 1");
    }
    return read(m, s).get(f.index);
  }

  /** metav1.Time and MicroTime: null when zero, else RFC 3339 in UTC (MicroTime: 6 digits). */
  private static JsonNode time(Message m, Slice s) {
    if (s.len == 0) {
      return NODES.nullNode();
    }
    long seconds = 0;
    long nanos = 0;
    WireReader r = new WireReader(s.buf, s.off, s.len);
    while (!r.atEnd()) {
      long tag = r.tag();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if ((number == 1 || number == 2) && wireType == WireReader.VARINT) {
        long v = r.varint();
        if (number == 1) {
          seconds = v;
        } else {
          nanos = (int) v;
        }
      } else if (number == 1 || number == 2) {
        throw new ProtobufException("wrong wire type " + wireType + " in " + m.name);
      } else {
        r.skip(wireType, 0);
      }
    }
    Instant t;
    try {
      t = Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException | ArithmeticException e) {
      throw new ProtobufException("time out of range in " + m.name);
    }
    if (t.getEpochSecond() == GO_ZERO_TIME_SECONDS && t.getNano() == 0) {
      return NODES.nullNode();
    }
    return NODES.textNode(
        rfc3339(t, m.special == Schema.Special.MICRO_TIME ? t.getNano() / 1000 : -1));
  }

  /** Go's {@code Format(time.RFC3339)} in UTC, or RFC3339Micro when {@code micros >= 0}. */
  static String rfc3339(Instant t, int micros) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(32);
    int year = d.getYear();
    if (year < 0) {
      b.append('-');
      year = -year;
    }
    pad(b, year, 4).append('-');
    pad(b, d.getMonthValue(), 2).append('-');
    pad(b, d.getDayOfMonth(), 2).append('T');
    pad(b, d.getHour(), 2).append(':');
    pad(b, d.getMinute(), 2).append(':');
    pad(b, d.getSecond(), 2);
    if (micros >= 0) {
      pad(b.append('.'), micros, 6);
    }
    return b.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }

  /** Go's {@code time.Duration.String()}. */
  static String goDuration(long d) {
    if (d == 0) {
      return "0s";
    }
    boolean neg = d < 0;
    BigInteger u = BigInteger.valueOf(d).abs();
    StringBuilder out = new StringBuilder();
    if (u.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
      long v = u.longValue();
      if (v < 1_000L) {
        out.append(v).append("ns");
      } else if (v < 1_000_000L) {
        out.append(fraction(v, 3)).append("µs");
      } else {
        out.append(fraction(v, 6)).append("ms");
      }
    } else {
      BigInteger[] qr = u.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
      String frac = fractionDigits(qr[1].longValue(), 9);
      BigInteger secs = qr[0];
      BigInteger sixty = BigInteger.valueOf(60);
      long s = secs.mod(sixty).longValue();
      BigInteger mins = secs.divide(sixty);
      String tail = s + frac + "s";
      if (mins.signum() > 0) {
        long m = mins.mod(sixty).longValue();
        BigInteger hours = mins.divide(sixty);
        tail = m + "m" + tail;
        if (hours.signum() > 0) {
          tail = hours + "h" + tail;
        }
      }
      out.append(tail);
    }
    return neg ? "-" + out : out.toString();
  }

  /** v / 10^prec with its fraction, trailing zeros dropped (Go's fmtFrac then fmtInt). */
  private static String fraction(long v, int prec) {
    long scale = 1;
    for (int i = 0; i < prec; i++) {
      scale *= 10;
    }
    return (v / scale) + fractionDigits(v % scale, prec);
  }

  private static String fractionDigits(long remainder, int prec) {
    if (remainder == 0) {
      return "";
    }
    StringBuilder digits = new StringBuilder(Long.toString(remainder));
    while (digits.length() < prec) {
      digits.insert(0, '0');
    }
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return "." + digits.substring(0, end);
  }

  private static JsonNode intOrString(Message m, Slice s) {
    long type = 0;
    int intVal = 0;
    String strVal = "";
    List<List<Object>> seen = read(m, s);
    for (int i = 0; i < m.fields.size(); i++) {
      for (Object v : seen.get(i)) {
        switch (m.fields.get(i).number) {
          case 1 -> type = (Long) v;
          case 2 -> intVal = (int) (long) (Long) v;
          case 3 -> strVal = ((Slice) v).string();
          default -> {}
        }
      }
    }
    if (type == 0) {
      return NODES.numberNode(intVal);
    }
    if (type == 1) {
      return NODES.textNode(strVal);
    }
    throw new ProtobufException("impossible IntOrString.Type " + type);
  }

  /** RawExtension and FieldsV1: their bytes are JSON, written as they are; none is null. */
  private JsonNode rawJson(Message m, Slice s) {
    Slice raw = null;
    for (Object v : firstField(m, s)) {
      raw = (Slice) v;
    }
    if (raw == null || raw.len == 0) {
      return NODES.nullNode();
    }
    try (JsonParser p = mapper.getFactory().createParser(raw.buf, raw.off, raw.len)) {
      JsonNode node = mapper.readTree(p);
      if (node == null || p.nextToken() != null) {
        throw new ProtobufException("the raw bytes of a " + m.name + " are not one JSON value");
      }
      return node;
    } catch (IOException e) {
      throw new ProtobufException("the raw bytes of a " + m.name + " are not JSON");
    }
  }

  private static JsonNode bytes(Slice s) {
    byte[] copy = new byte[s.len];
    System.arraycopy(s.buf, s.off, copy, 0, s.len);
    return NODES.textNode(Base64.getEncoder().encodeToString(copy));
  }

  private static boolean isZero(Type t, Object v) {
    return switch (t) {
      case STRING, BYTES -> ((Slice) v).len == 0;
      case DOUBLE -> Double.longBitsToDouble((Long) v) == 0.0;
      case FLOAT -> Float.intBitsToFloat((int) (long) (Long) v) == 0.0f;
      case INT32, UINT32, SINT32, FIXED32, SFIXED32, BOOL -> (int) (long) (Long) v == 0;
      default -> (Long) v == 0L;
    };
  }

  private static JsonNode zero(Type t) {
    return switch (t) {
      case STRING -> NODES.textNode("");
      case BOOL -> NODES.booleanNode(false);
      case BYTES -> NODES.nullNode();
      default -> NODES.numberNode(0);
    };
  }

  private static JsonNode scalarValue(Type t, Object v) {
    return switch (t) {
      case STRING -> NODES.textNode(((Slice) v).string());
      case BYTES -> bytes((Slice) v);
      case BOOL -> NODES.booleanNode((Long) v != 0);
      case INT32, SFIXED32 -> NODES.numberNode((int) (long) (Long) v);
      case UINT32, FIXED32 -> NODES.numberNode((Long) v & 0xffffffffL);
      case SINT32 -> {
        int n = (int) (long) (Long) v;
        yield NODES.numberNode((n >>> 1) ^ -(n & 1));
      }
      case INT64, SFIXED64 -> NODES.numberNode((long) (Long) v);
      case SINT64 -> {
        long n = (Long) v;
        yield NODES.numberNode((n >>> 1) ^ -(n & 1));
      }
      case UINT64, FIXED64 -> {
        long n = (Long) v;
        yield n >= 0
            ? NODES.numberNode(n)
            : NODES.numberNode(new BigInteger(Long.toUnsignedString(n)));
      }
      case DOUBLE -> finite(Double.longBitsToDouble((Long) v));
      case FLOAT -> finite(Float.intBitsToFloat((int) (long) (Long) v));
      case MESSAGE -> throw new IllegalStateException("not a scalar");
    };
  }

  private static JsonNode finite(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new ProtobufException("unsupported value " + d + " (JSON has no such number)");
    }
    return NODES.numberNode(d);
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
