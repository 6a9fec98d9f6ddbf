package io.skiff.apiserver.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** PEM, the text form of certificates and keys that kubectl, Go and openssl read. */
final class Pem {

  static final String CERTIFICATE = "CERTIFICATE";
  static final String PRIVATE_KEY = "PRIVATE KEY";

  private Pem() {}

  /** One block: {@code -----BEGIN TYPE-----}, base64 in lines of 64, {@code -----END TYPE-----}. */
  static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /**
   * The bytes of the first {@code type} block in {@code text}, which was read from {@code file}.
   *
   * @throws CredentialsException naming the file if there is no such block or it is not base64
   */
  static byte[] decode(byte[] text, String type, Path file) throws CredentialsException {
    String s = new String(text, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = s.indexOf(begin);
    int to = from < 0 ? -1 : s.indexOf(end, from);
    if (to < 0) {
      throw new CredentialsException(
          "cannot read " + file + ": no PEM block \"" + type + "\" in it");
    }
    try {
      return Base64.getMimeDecoder().decode(s.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new CredentialsException(
          "cannot read " + file + ": its PEM block \"" + type + "\" is not valid base64", e);
    }
  }
}
