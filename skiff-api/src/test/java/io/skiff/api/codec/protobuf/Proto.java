package io.skiff.api.codec.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes protobuf messages field by field, for tests. */
final class Proto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Proto message() {
    return new Proto();
  }

  /** A body as kubectl sends it: {@code k8s\0} and a runtime.Unknown holding {@code object}. */
  static byte[] envelope(String apiVersion, String kind, Proto object) {
    Proto typeMeta = message();
    if (apiVersion != null) {
      typeMeta.string(1, apiVersion);
    }
    if (kind != null) {
      typeMeta.string(2, kind);
    }
    byte[] unknown =
        message()
            .message(1, typeMeta)
            .bytes(2, object.toBytes())
            .string(3, "")
            .string(4, "")
            .toBytes();
    byte[] body = new byte[4 + unknown.length];
    body[0] = 'k';
    body[1] = '8';
    body[2] = 's';
    System.arraycopy(unknown, 0, body, 4, unknown.length);
    return body;
  }

  Proto tag(int field, int wireType) {
    return rawVarint(((long) field << 3) | wireType);
  }

  Proto varint(int field, long value) {
    return tag(field, 0).rawVarint(value);
  }

  Proto fixed32(int field, int value) {
    tag(field, 5);
    for (int i = 0; i < 4; i++) {
      out.write(value >>> (8 * i));
    }
    return this;
  }

  Proto fixed64(int field, long value) {
    tag(field, 1);
    for (int i = 0; i < 8; i++) {
      out.write((int) (value >>> (8 * i)));
    }
    return this;
  }

  Proto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  Proto bytes(int field, byte[] value) {
    tag(field, 2).rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  Proto message(int field, Proto value) {
    return bytes(field, value.toBytes());
  }

  /** A map entry: key 1, value 2. */
  Proto entry(int field, String key, String value) {
    return message(field, message().string(1, key).string(2, value));
  }

  Proto rawVarint(long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
    return this;
  }

  Proto raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
