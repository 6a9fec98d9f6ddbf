package io.skiff.apiserver.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token of the cluster's admin, in a file of its own (readable by its owner only) so
 * that it survives restarts and the kubeconfigs written with it keep working.
 */
public final class AdminToken {

  public static final String FILE = "admin.token";

  /** 256 bits, as the tokens kubeadm and k3s generate carry at least. */
  private static final int BYTES = 32;

  private AdminToken() {}

  /**
   * The token in {@code file}, or a new random one written there if the file does not exist.
   *
   * @throws CredentialsException naming the file if it cannot be read or written, or holds no
   *     usable token
   */
  public static String loadOrCreate(Path file) throws CredentialsException {
    if (!Files.exists(file)) {
      byte[] random = new byte[BYTES];
      new SecureRandom().nextBytes(random);
      String token = HexFormat.of().formatHex(random);
      SecureFiles.writeSecret(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
      return token;
    }
    String token = new String(SecureFiles.read(file), StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new CredentialsException(
          "cannot read " + file + ": it is empty; delete it to have skiff make a new token");
    }
    if (!TokenAuthenticator.isValidToken(token)) {
      throw new CredentialsException(
          "cannot read "
              + file
              + ": a token is one line of visible ASCII characters without spaces;"
              + " delete the file to have skiff make a new one");
    }
    return token;
  }
}
