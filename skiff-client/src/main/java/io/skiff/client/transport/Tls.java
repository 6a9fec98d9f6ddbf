package io.skiff.client.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS settings of a client that trusts the cluster's CA: what a kubeconfig's CA data makes. */
public final class Tls {

  private Tls() {}

  /**
   * A TLS context that trusts exactly {@code cas}. Clients still verify the server's name against
   * its certificate, as they always do.
   */
  public static SSLContext trusting(Collection<X509Certificate> cas)
      throws GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      trusted.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty key store does not load", e);
    }
    int i = 0;
    for (X509Certificate ca : cas) {
      trusted.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * The certificates of a PEM bundle (a {@code ca.crt}), read from {@code source}.
   *
   * @throws IOException naming {@code source} if it holds none, or one that does not parse
   */
  public static List<X509Certificate> certificates(byte[] pem, String source) throws IOException {
    Collection<? extends Certificate> parsed;
    try {
      parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new IOException(source + " holds no valid PEM certificate: " + e.getMessage(), e);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : parsed) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new IOException(source + " holds no certificate");
    }
    return out;
  }
}
