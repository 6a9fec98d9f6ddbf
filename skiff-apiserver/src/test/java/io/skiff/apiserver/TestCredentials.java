package io.skiff.apiserver;

import io.skiff.apiserver.auth.AdminToken;
import io.skiff.apiserver.auth.CredentialsException;
import io.skiff.apiserver.auth.Pki;
import io.skiff.apiserver.auth.TokenAuthenticator;
import io.skiff.client.transport.ClientConfig;
import io.skiff.client.transport.Tls;
import io.skiff.clock.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One CA, serving certificate and admin token for every test in this JVM that runs the server as
 * {@code skiff up} does: over HTTPS, with a bearer token. Generated once, on the system clock
 * because the clients' TLS checks the certificates' validity against it.
 */
public final class TestCredentials {

  private static TestCredentials instance;

  private final Pki pki;
  private final String token;

  private TestCredentials(Pki pki, String token) {
    this.pki = pki;
    this.token = token;
  }

  public static synchronized TestCredentials get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("skiff-test-pki-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        instance =
            new TestCredentials(
                Pki.loadOrCreate(dir.resolve("pki"), Clock.system()),
                AdminToken.loadOrCreate(dir.resolve("pki").resolve(AdminToken.FILE)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (CredentialsException e) {
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  public Pki pki() {
    return pki;
  }

  public String token() {
    return token;
  }

  /** {@code builder} serving HTTPS and requiring the token, as {@code skiff up} runs it. */
  public ApiServer.Builder secure(ApiServer.Builder builder) {
    return builder.tls(pki.serving()).authenticator(TokenAuthenticator.of(token));
  }

  /** Trusts the test CA, and nothing else. */
  public SSLContext sslContext() {
    try {
      return Tls.trusting(List.of(pki.certificateAuthority()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How a client reaches {@code server} with these credentials. */
  public ClientConfig clientConfig(ApiServer server) {
    return new ClientConfig(server.url(), List.of(pki.certificateAuthority()), token);
  }

  /** A kubeconfig for {@code server}, as {@code skiff up} writes one. */
  public String kubeconfig(ApiServer server) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: skiff
          cluster:
            server: "%s"
            certificate-authority-data: %s
        users:
        - name: skiff-admin
          user:
            token: "%s"
        contexts:
        - name: skiff
          context:
            cluster: skiff
            user: skiff-admin
            namespace: default
        current-context: skiff
        """
        .formatted(
            server.url(),
            Base64.getEncoder().encodeToString(pki.certificateAuthorityPem().getBytes()),
            token);
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A temporary directory; the OS cleans it up eventually.
    }
  }
}
