package io.skiff.apiserver.auth;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * What the API server presents in the TLS handshake: its private key and its certificate chain,
 * leaf first.
 */
public record ServingCertificate(PrivateKey key, List<X509Certificate> chain) {

  public ServingCertificate {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "a serving certificate needs at least its own certificate");
    }
  }

  public X509Certificate certificate() {
    return chain.getFirst();
  }

  /**
   * A TLS context that presents this certificate. The key goes to a key manager of its own rather
   * than through a PKCS#12 key store, whose password-based encryption of the key costs start-up
   * time for nothing. No trust managers either: the server asks for no client certificates (clients
   * authenticate with bearer tokens), and the default ones would read the JDK's CA certificates on
   * every start, a twentieth of a second.
   */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SingleKeyManager(this)}, new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS", e);
    }
  }

  /** Names the certificate only: a record would print the key. */
  @Override
  public String toString() {
    return "ServingCertificate[" + certificate().getSubjectX500Principal().getName() + "]";
  }
}
