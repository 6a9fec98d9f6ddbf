package io.skiff.apiserver.auth;

import io.skiff.clock.Clock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's certificate authority and the API server's serving certificate, as kubeadm lays
 * them out: {@code ca.crt}, {@code ca.key}, {@code apiserver.crt} and {@code apiserver.key} in one
 * directory, PEM-encoded, keys readable by their owner only.
 *
 * <p>The first start generates them (ECDSA P-256, a few milliseconds); later starts read them back
 * with the JDK alone, so that clients keep trusting the same CA across restarts and a restart pays
 * for no key generation. The serving certificate alone is issued anew, by the same CA, when it is
 * missing, expires within {@link #RENEW_BEFORE}, or no longer names this machine; that is invisible
 * to clients, which trust the CA.
 *
 * <p>The CA's key is read only to issue a serving certificate, so a CA kept elsewhere (as kubeadm's
 * external CA mode) works as long as the serving certificate is valid.
 *
 * <p>Every file is replaced atomically. Generating writes a key before its certificate, so that a
 * crash in between leaves a key without a certificate, which the next start replaces; a certificate
 * without its key, or a file that does not parse, stops start-up with a message naming the file.
 */
public final class Pki {

  private static final Logger log = LoggerFactory.getLogger(Pki.class);

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String SERVING_CERT = "apiserver.crt";
  public static final String SERVING_KEY = "apiserver.key";

  /** kubeadm's lifetimes: ten years for the CA, one for what it signs. */
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  static final Duration SERVING_VALIDITY = Duration.ofDays(365);

  /** As k3s: a restart within 90 days of the serving certificate's expiry renews it. */
  static final Duration RENEW_BEFORE = Duration.ofDays(90);

  /**
   * The names clients use for a local API server, and those in-cluster clients use for the {@code
   * kubernetes} Service, as kube-apiserver's certificate lists them.
   */
  static final List<String> DNS_NAMES =
      List.of(
          "localhost",
          "kubernetes",
          "kubernetes.default",
          "kubernetes.default.svc",
          "kubernetes.default.svc.cluster.local");

  static final List<String> IP_ADDRESSES = List.of("127.0.0.1", "::1");

  private static final String SERVING_NAME = "skiff-apiserver";

  private final Path dir;
  private final X509Certificate ca;
  private final String caPem;
  private final ServingCertificate serving;

  private Pki(Path dir, X509Certificate ca, String caPem, ServingCertificate serving) {
    this.dir = dir;
    this.ca = ca;
    this.caPem = caPem;
    this.serving = serving;
  }

  /**
   * Reads the CA and serving certificate in {@code dir}, generating what is missing.
   *
   * @throws CredentialsException naming the file that cannot be read, written or used
   */
  public static Pki loadOrCreate(Path dir, Clock clock) throws CredentialsException {
    return loadOrCreate(dir, clock, HostName.current());
  }

  static Pki loadOrCreate(Path dir, Clock clock, Optional<String> hostName)
      throws CredentialsException {
    SecureFiles.createPrivateDirectory(dir);
    Instant now = clock.now();
    CertificateIssuer issuer = null;
    Path caCert = dir.resolve(CA_CERT);
    Path caKeyFile = dir.resolve(CA_KEY);
    X509Certificate ca;
    PrivateKey caKey = null;
    if (Files.exists(caCert)) {
      ca = readCertificate(caCert);
      if (!now.isBefore(ca.getNotAfter().toInstant())) {
        throw new CredentialsException(
            "the certificate authority in "
                + caCert
                + " expired on "
                + ca.getNotAfter().toInstant()
                + "; delete "
                + dir
                + " to have skiff make a new one");
      }
    } else {
      issuer = new CertificateIssuer();
      KeyPair keys = issuer.newKeyPair();
      ca = issuer.certificateAuthority(keys, "skiff-ca@" + now.getEpochSecond(), now, CA_VALIDITY);
      caKey = keys.getPrivate();
      SecureFiles.writeSecret(caKeyFile, pem(Pem.PRIVATE_KEY, caKey.getEncoded()));
      SecureFiles.writePublic(caCert, pem(Pem.CERTIFICATE, encoded(ca)));
      log.info("generated the certificate authority {}", caCert);
    }

    List<String> dnsNames = new ArrayList<>(DNS_NAMES);
    hostName.filter(n -> !dnsNames.contains(n)).ifPresent(dnsNames::add);
    Path cert = dir.resolve(SERVING_CERT);
    Path keyFile = dir.resolve(SERVING_KEY);
    ServingCertificate serving = null;
    // A new CA has signed nothing yet: whatever serving certificate lies here is not its.
    if (caKey == null && Files.exists(cert)) {
      X509Certificate leaf = readCertificate(cert);
      requireFile(keyFile, cert);
      PrivateKey key = readKey(keyFile);
      requireSignedBy(leaf, cert, ca, caCert);
      requirePair(key, leaf.getPublicKey(), keyFile, cert);
      String stale = staleness(leaf, now, dnsNames);
      if (stale == null) {
        serving = new ServingCertificate(key, List.of(leaf));
      } else {
        log.info("issuing a new serving certificate: {} {}", cert, stale);
      }
    }
    if (serving == null) {
      if (caKey == null) {
        if (!Files.exists(caKeyFile)) {
          throw new CredentialsException(
              "cannot read "
                  + caKeyFile
                  + ": no such file, and a new "
                  + cert.getFileName()
                  + " cannot be issued without it");
        }
        caKey = readKey(caKeyFile);
        requirePair(caKey, ca.getPublicKey(), caKeyFile, caCert);
      }
      if (issuer == null) {
        issuer = new CertificateIssuer();
      }
      KeyPair keys = issuer.newKeyPair();
      X509Certificate leaf =
          issuer.serving(
              keys.getPublic(),
              ca,
              caKey,
              SERVING_NAME,
              dnsNames,
              IP_ADDRESSES,
              now,
              SERVING_VALIDITY);
      SecureFiles.writeSecret(keyFile, pem(Pem.PRIVATE_KEY, keys.getPrivate().getEncoded()));
      SecureFiles.writePublic(cert, pem(Pem.CERTIFICATE, encoded(leaf)));
      serving = new ServingCertificate(keys.getPrivate(), List.of(leaf));
    }
    return new Pki(dir, ca, Pem.encode(Pem.CERTIFICATE, encoded(ca)), serving);
  }

  /** Where the files are. */
  public Path directory() {
    return dir;
  }

  /** The CA that clients trust: what a kubeconfig's {@code certificate-authority-data} holds. */
  public X509Certificate certificateAuthority() {
    return ca;
  }

  /** {@link #certificateAuthority()} as PEM, the content of {@code ca.crt}. */
  public String certificateAuthorityPem() {
    return caPem;
  }

  /** The key and certificate the API server presents. */
  public ServingCertificate serving() {
    return serving;
  }

  /** The SHA-256 fingerprint of a certificate, in hex, as {@code openssl x509 -fingerprint}. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 of a certificate", e);
    }
  }

  /** Why the serving certificate must be replaced, or null while it is good. */
  private static String staleness(X509Certificate leaf, Instant now, List<String> dnsNames)
      throws CredentialsException {
    Instant expiry = leaf.getNotAfter().toInstant();
    if (now.plus(RENEW_BEFORE).isAfter(expiry)) {
      return "expires on " + expiry;
    }
    Set<String> names = new HashSet<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        leaf.getSubjectAlternativeNames().forEach(san -> names.add(String.valueOf(san.get(1))));
      }
    } catch (CertificateParsingException e) {
      return "has unreadable subject alternative names";
    }
    for (String n : dnsNames) {
      if (!names.contains(n)) {
        return "does not name " + n;
      }
    }
    // The JDK renders ::1 in its long form.
    if (!names.contains("127.0.0.1") || !names.contains("0:0:0:0:0:0:0:1")) {
      return "does not name the loopback addresses";
    }
    return null;
  }

  private static void requireFile(Path file, Path partner) throws CredentialsException {
    if (!Files.exists(file)) {
      throw new CredentialsException(
          "cannot read "
              + file
              + ": no such file, and "
              + partner.getFileName()
              + " cannot be used without it");
    }
  }

  private static X509Certificate readCertificate(Path file) throws CredentialsException {
    byte[] der = Pem.decode(SecureFiles.read(file), Pem.CERTIFICATE, file);
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new CredentialsException(
          "cannot read " + file + ": not a valid X.509 certificate (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey readKey(Path file) throws CredentialsException {
    byte[] der = Pem.decode(SecureFiles.read(file), Pem.PRIVATE_KEY, file);
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new CredentialsException(
          "cannot read " + file + ": not a PKCS#8 ECDSA private key (" + e.getMessage() + ")", e);
    }
  }

  private static void requireSignedBy(
      X509Certificate leaf, Path leafFile, X509Certificate ca, Path caFile)
      throws CredentialsException {
    try {
      leaf.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new CredentialsException(
          leafFile + " is not signed by the certificate authority in " + caFile, e);
    }
  }

  /** A signature made with the key verifies with the certificate's public key. */
  private static void requirePair(PrivateKey key, PublicKey certified, Path keyFile, Path certFile)
      throws CredentialsException {
    byte[] probe = "skiff".getBytes(StandardCharsets.US_ASCII);
    boolean match;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      Signature v = Signature.getInstance("SHA256withECDSA");
      v.initVerify(certified);
      v.update(probe);
      match = v.verify(signature);
    } catch (GeneralSecurityException e) {
      match = false;
    }
    if (!match) {
      throw new CredentialsException(
          keyFile
              + " is not the key of "
              + certFile
              + "; delete both to have skiff issue a new pair");
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateException e) {
      throw new IllegalStateException("a certificate just made does not encode", e);
    }
  }

  private static byte[] pem(String type, byte[] der) {
    return Pem.encode(type, der).getBytes(StandardCharsets.US_ASCII);
  }
}
