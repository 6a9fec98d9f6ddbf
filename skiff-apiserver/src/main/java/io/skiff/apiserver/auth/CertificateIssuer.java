package io.skiff.apiserver.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes ECDSA P-256 keys and the certificates kubeadm makes for a cluster: a self-signed CA and a
 * serving certificate it signs. BouncyCastle only assembles the certificates; keys, signatures and
 * parsing are the JDK's, so no security provider is registered. The only class of this package that
 * touches BouncyCastle, so that a start that finds its certificates never loads it.
 */
final class CertificateIssuer {

  /** As kubeadm, so that a clock a little behind the issuer's still accepts a new certificate. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final String SIGNATURE = "SHA256withECDSA";

  private final SecureRandom random = new SecureRandom();

  /** A P-256 key pair: as strong as RSA-3072 and generated in a millisecond rather than seconds. */
  KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  /** A self-signed certificate authority, valid from {@code now} for {@code validity}. */
  X509Certificate certificateAuthority(
      KeyPair keys, String commonName, Instant now, Duration validity) {
    X500Name name = name(commonName);
    X509v3CertificateBuilder b = builder(name, name, keys.getPublic(), now, validity);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a CA certificate", e);
    }
    return sign(b, keys.getPrivate());
  }

  /**
   * A certificate for a TLS server, signed by {@code ca}: valid for the given DNS names and IP
   * addresses, from {@code now} for {@code validity} (never beyond the CA's own expiry).
   */
  X509Certificate serving(
      PublicKey key,
      X509Certificate ca,
      PrivateKey caKey,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration validity) {
    Instant caExpiry = ca.getNotAfter().toInstant();
    Duration capped =
        now.plus(validity).isAfter(caExpiry) ? Duration.between(now, caExpiry) : validity;
    X509v3CertificateBuilder b =
        builder(
            X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
            name(commonName),
            key,
            now,
            capped);
    List<GeneralName> sans = new ArrayList<>();
    dnsNames.forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
    ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(GeneralName[]::new)));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a serving certificate", e);
    }
    return sign(b, caKey);
  }

  private X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant now, Duration validity) {
    // Random, as Go's crypto/x509 users do: no two certificates of one issuer share a serial.
    BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(
        issuer,
        serial,
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }
}
