package io.skiff.apiserver.auth;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** Presents one key and chain to every TLS client whose handshake can use that kind of key. */
final class SingleKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "serving";

  private final ServingCertificate cert;
  private final X509Certificate[] chain;

  SingleKeyManager(ServingCertificate cert) {
    this.cert = cert;
    this.chain = cert.chain().toArray(X509Certificate[]::new);
  }

  private String alias(String keyType) {
    return cert.key().getAlgorithm().equals(keyType) ? ALIAS : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return alias(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? cert.key() : null;
  }

  /** The server presents no client certificate. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }
}
