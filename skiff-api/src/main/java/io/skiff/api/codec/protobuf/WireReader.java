package io.skiff.api.codec.protobuf;

/**
 * Reads the protobuf wire format from a byte range: tags, varints, fixed-width values and
 * length-delimited slices, with every length checked against the range.
 */
final class WireReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int end;

  WireReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new ProtobufException("bad range");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  boolean atEnd() {
    return pos >= end;
  }

  int position() {
    return pos;
  }

  /** The next tag (field number shifted left by 3, or'ed with the wire type). */
  long tag() {
    long tag = varint();
    if ((tag >>> 3) == 0 || (tag >>> 3) > 536_870_911L) {
      throw new ProtobufException("illegal field number " + (tag >>> 3));
    }
    return tag;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new ProtobufException("truncated varint");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new ProtobufException("varint longer than 10 bytes");
  }

  int fixed32() {
    need(4);
    int v =
        (buf[pos] & 0xff)
            | (buf[pos + 1] & 0xff) << 8
            | (buf[pos + 2] & 0xff) << 16
            | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  long fixed64() {
    long lo = fixed32() & 0xffffffffL;
    long hi = fixed32() & 0xffffffffL;
    return lo | hi << 32;
  }

  /** The length of a length-delimited value; the reader is left at its first byte. */
  int length() {
    long n = varint();
    if (n < 0 || n > end - pos) {
      throw new ProtobufException("length " + n + " runs past the end of the data");
    }
    return (int) n;
  }

  void skipBytes(int n) {
    need(n);
    pos += n;
  }

  /** Skips the value of a field of that wire type (groups included, as gogo's skip does). */
  void skip(int wireType, int depth) {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> skipBytes(8);
      case FIXED32 -> skipBytes(4);
      case LEN -> skipBytes(length());
      case START_GROUP -> {
        if (depth > 100) {
          throw new ProtobufException("groups nested too deeply");
        }
        while (true) {
          long t = tag();
          int wt = (int) (t & 7);
          if (wt == END_GROUP) {
            return;
          }
          skip(wt, depth + 1);
        }
      }
      default -> throw new ProtobufException("illegal wire type " + wireType);
    }
  }

  private void need(int n) {
    if (n > end - pos) {
      throw new ProtobufException("truncated data");
    }
  }
}
