package io.skiff.api.codec.protobuf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Protobuf messages as the Kubernetes Go types see them: for each field its number, wire type, JSON
 * name and the Go facts that decide its JSON (pointer or value, omitempty, inline).
 *
 * <p>Read from the text that {@link KubernetesSchema} holds; see {@code generate_schema.py} in the
 * test resources for its format and origin.
 */
final class Schema {

  /** Scalar protobuf types and messages. */
  enum Type {
    DOUBLE,
    FLOAT,
    INT64,
    UINT64,
    INT32,
    UINT32,
    SINT32,
    SINT64,
    FIXED32,
    FIXED64,
    SFIXED32,
    SFIXED64,
    BOOL,
    STRING,
    BYTES,
    MESSAGE;

    /** The wire type a single value of this type has. */
    int wireType() {
      return switch (this) {
        case DOUBLE, FIXED64, SFIXED64 -> WireReader.FIXED64;
        case FLOAT, FIXED32, SFIXED32 -> WireReader.FIXED32;
        case STRING, BYTES, MESSAGE -> WireReader.LEN;
        default -> WireReader.VARINT;
      };
    }
  }

  /** Messages with a JSON form of their own (a MarshalJSON method in Go). */
  enum Special {
    NONE,
    TIME,
    MICRO_TIME,
    DURATION,
    QUANTITY,
    INT_OR_STRING,
    RAW_EXTENSION,
    FIELDS_V1
  }

  enum Cardinality {
    SINGLE,
    REPEATED,
    MAP
  }

  /**
   * One field. For maps, {@code type}/{@code message} describe the value and {@code keyType} the
   * key; for repeated fields they describe an element.
   */
  static final class Field {
    final int number;
    final String json;
    final Cardinality cardinality;
    final Type keyType;
    final Type type;
    final String typeName;
    Message message;

    /** The position of this field in its message's {@link Message#fields}. */
    int index;

    /** A Go pointer: in JSON iff in protobuf. */
    final boolean pointer;

    /** No omitempty: written even when zero (nil slices, maps and pointers as null). */
    final boolean keep;

    /** An embedded struct whose fields are written into the enclosing object. */
    final boolean inline;

    /** A named Go slice type, carried in protobuf as a message of repeated {@code items}. */
    final boolean slice;

    Field(
        int number,
        String json,
        Cardinality cardinality,
        Type keyType,
        Type type,
        String typeName,
        Set<String> flags) {
      this.number = number;
      this.json = json;
      this.cardinality = cardinality;
      this.keyType = keyType;
      this.type = type;
      this.typeName = typeName;
      this.pointer = flags.contains("ptr");
      this.keep = flags.contains("keep");
      this.inline = flags.contains("inline");
      this.slice = flags.contains("slice");
    }
  }

  /** One message, fields in Go struct order (the order encoding/json writes them in). */
  static final class Message {
    final String name;
    final Special special;
    final List<Field> fields = new ArrayList<>();
    private Field[] byNumber = new Field[0];

    Message(String name, Special special) {
      this.name = name;
      this.special = special;
    }

    Field field(int number) {
      return number < byNumber.length ? byNumber[number] : null;
    }

    void add(Field f) {
      f.index = fields.size();
      fields.add(f);
      if (f.number >= byNumber.length) {
        Field[] grown = new Field[Math.max(f.number + 1, byNumber.length * 2)];
        System.arraycopy(byNumber, 0, grown, 0, byNumber.length);
        byNumber = grown;
      }
      byNumber[f.number] = f;
    }
  }

  private static final Map<String, Special> SPECIALS =
      Map.of(
          "k8s.io.apimachinery.pkg.apis.meta.v1.Time", Special.TIME,
          "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime", Special.MICRO_TIME,
          "k8s.io.apimachinery.pkg.apis.meta.v1.Duration", Special.DURATION,
          "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1", Special.FIELDS_V1,
          "k8s.io.apimachinery.pkg.runtime.RawExtension", Special.RAW_EXTENSION,
          "k8s.io.apimachinery.pkg.api.resource.Quantity", Special.QUANTITY,
          "k8s.io.apimachinery.pkg.util.intstr.IntOrString", Special.INT_OR_STRING);

  private final Map<String, Message> messages;

  private Schema(Map<String, Message> messages) {
    this.messages = messages;
  }

  /** The message of that full name ({@code k8s.io.api.core.v1.Pod}), or null. */
  Message message(String fullName) {
    return messages.get(fullName);
  }

  int size() {
    return messages.size();
  }

  /** Reads schema text; every type a field names must be defined in it. */
  static Schema parse(String... parts) {
    Map<String, Message> messages = new HashMap<>();
    List<Field> unresolved = new ArrayList<>();
    String pkg = null;
    Message current = null;
    int lineNo = 0;
    for (String part : parts) {
      for (String raw : part.split("\n")) {
        lineNo++;
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] w = line.split(" ");
        try {
          if (w[0].equals("package")) {
            pkg = w[1];
            current = null;
          } else if (w[0].equals("message")) {
            String full = pkg + "." + w[1];
            current = new Message(full, SPECIALS.getOrDefault(full, Special.NONE));
            if (messages.put(full, current) != null) {
              throw new IllegalArgumentException("duplicate message " + full);
            }
          } else {
            Field f = field(w, pkg);
            if (current.field(f.number) != null) {
              throw new IllegalArgumentException("duplicate field number " + f.number);
            }
            current.add(f);
            if (f.type == Type.MESSAGE) {
              unresolved.add(f);
            }
          }
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("schema line " + lineNo + ": " + line, e);
        }
      }
    }
    for (Field f : unresolved) {
      f.message = messages.get(f.typeName);
      if (f.message == null) {
        throw new IllegalArgumentException("schema: undefined message " + f.typeName);
      }
      if (f.slice && !isItems(f.message)) {
        throw new IllegalArgumentException("schema: " + f.typeName + " is no items message");
      }
    }
    return new Schema(Map.copyOf(messages));
  }

  private static boolean isItems(Message m) {
    return m.fields.size() == 1
        && m.fields.get(0).number == 1
        && m.fields.get(0).cardinality == Cardinality.REPEATED;
  }

  private static Field field(String[] w, String pkg) {
    int number = Integer.parseInt(w[0]);
    if (number < 1 || number > 536_870_911) {
      throw new IllegalArgumentException("bad field number");
    }
    String json = w[1];
    String t = w[2];
    Set<String> flags = new HashSet<>();
    for (int i = 3; i < w.length; i++) {
      if (!isFlag(w[i]) || !flags.add(w[i])) {
        throw new IllegalArgumentException("bad flag " + w[i]);
      }
    }
    Cardinality cardinality = Cardinality.SINGLE;
    Type keyType = null;
    if (t.startsWith("[]")) {
      cardinality = Cardinality.REPEATED;
      t = t.substring(2);
    } else if (t.startsWith("map<") && t.endsWith(">")) {
      cardinality = Cardinality.MAP;
      int comma = t.indexOf(',');
      keyType = scalar(t.substring(4, comma));
      if (keyType == null || keyType == Type.BYTES) {
        throw new IllegalArgumentException("bad map key type");
      }
      t = t.substring(comma + 1, t.length() - 1);
    }
    Type type = scalar(t);
    String typeName = null;
    if (type == null) {
      type = Type.MESSAGE;
      typeName = t.contains(".") ? t : pkg + "." + t;
    }
    return new Field(number, json, cardinality, keyType, type, typeName, flags);
  }

  private static boolean isFlag(String word) {
    return switch (word) {
      case "ptr", "keep", "inline", "slice" -> true;
      default -> false;
    };
  }

  private static Type scalar(String name) {
    return switch (name) {
      case "double",
          "float",
          "int64",
          "uint64",
          "int32",
          "uint32",
          "sint32",
          "sint64",
          "fixed32",
          "fixed64",
          "sfixed32",
          "sfixed64",
          "bool",
          "string",
          "bytes" ->
          Type.valueOf(name.toUpperCase(Locale.ROOT));
      default -> null;
    };
  }
}
