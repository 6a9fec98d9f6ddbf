package io.skiff.apiserver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Authenticates requests by their {@code Authorization: Bearer <token>} header against a fixed set
 * of tokens, as kube-apiserver's {@code --token-auth-file} does.
 *
 * <p>Tokens are compared by their SHA-256 digests with {@link MessageDigest#isEqual}, whose time
 * does not depend on where two digests differ, so that timing reveals nothing about a token.
 */
public final class TokenAuthenticator {

  /** What a request's credentials amount to. */
  public enum Outcome {
    /** No bearer token: the request is anonymous. */
    ANONYMOUS,
    /** A token that is one of ours. */
    AUTHENTICATED,
    /** A token that is not ours: rejected even where anonymous requests are allowed. */
    INVALID
  }

  private final List<byte[]> digests;

  private TokenAuthenticator(Collection<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("at least one token");
    }
    for (String t : tokens) {
      if (!isValidToken(t)) {
        throw new IllegalArgumentException("a token is visible ASCII without spaces");
      }
    }
    this.digests = tokens.stream().map(TokenAuthenticator::digest).toList();
  }

  /** Accepts exactly {@code tokens}. */
  public static TokenAuthenticator of(String... tokens) {
    return new TokenAuthenticator(List.of(tokens));
  }

  /**
   * Reads an {@code Authorization} header (null when absent) as upstream's bearer token
   * authenticator does: a scheme other than {@code Bearer} (case-insensitive), or none, or an empty
   * token is no token at all; words after the token are ignored.
   */
  public Outcome authenticate(String authorization) {
    if (authorization == null) {
      return Outcome.ANONYMOUS;
    }
    String[] parts = authorization.strip().split(" ", 3);
    if (parts.length < 2
        || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")
        || parts[1].isEmpty()) {
      return Outcome.ANONYMOUS;
    }
    byte[] presented = digest(parts[1]);
    boolean match = false;
    // Every digest is compared, so that the time taken does not tell which token matched.
    for (byte[] d : digests) {
      match |= MessageDigest.isEqual(d, presented);
    }
    return match ? Outcome.AUTHENTICATED : Outcome.INVALID;
  }

  /** Fits in an HTTP header as one word: visible ASCII, no spaces. */
  static boolean isValidToken(String token) {
    if (token.isEmpty()) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
