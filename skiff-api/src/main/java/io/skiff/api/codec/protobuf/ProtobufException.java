package io.skiff.api.codec.protobuf;

/** Data that does not decode; {@link ProtobufDecoder} reports it as a malformed body. */
final class ProtobufException extends RuntimeException {
  ProtobufException(String message) {
    super(message);
  }
}
