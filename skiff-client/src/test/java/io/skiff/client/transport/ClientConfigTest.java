package io.skiff.client.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {

  /** A self-signed certificate (openssl, P-256), valid until 2126. */
  private static final String CA =
      """
      -----BEGIN CERTIFICATE-----
      MIIBkjCCATegAwIBAgIUbtj6lQ943CmogBbB8mhlZPlZdTQwCgYIKoZIzj0EAwIw
      HTEbMBkGA1UEAwwSY2xpZW50LWNvbmZpZy10ZXN0MCAXDTI2MTEyMjAyMzQyNloY
      DzIxMjYxMDI5MDIzNDI2WjAdMRswGQYDVQQDDBJjbGllbnQtY29uZmlnLXRlc3Qw
      WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR3QZMHWA0/astXce0awetCLQk2vA12
      hn/PL/y8Gt7JvIECRSefiUjp9fOBpXRfqXUugDEmF+wuW7TVMm3NPkPao1MwUTAd
      BgNVHQ4EFgQUePTqEbp6zWKNWlxAOeWS1ZKeYR8wHwYDVR0jBBgwFoAUePTqEbp6
      zWKNWlxAOeWS1ZKeYR8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBG
      AiEAsQxtwOKSLfYHtBUaKZZjWy5J6Whn+IkX4iJrB3QnufMCIQCCXWtUCZP2tQPV
      zoZnM628Iq1l4vUmpj6YnSeeNJ7czA==
      -----END CERTIFICATE-----
      """;

  @TempDir Path dir;

  private Path kubeconfig(String yaml) throws IOException {
    Path file = dir.resolve("config");
    Files.writeString(file, yaml);
    return file;
  }

  private static String caData() {
    return Base64.getEncoder().encodeToString(CA.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void readsTheKubeconfigSkiffWrites() throws Exception {
    ClientConfig config =
        ClientConfig.fromKubeconfig(
            kubeconfig(
                """
                apiVersion: v1
                kind: Config
                clusters:
                - name: skiff
                  cluster:
                    server: "https://127.0.0.1:6443"
                    certificate-authority-data: %s
                users:
                - name: skiff-admin
                  user:
                    token: "abc123"
                contexts:
                - name: skiff
                  context:
                    cluster: skiff
                    user: skiff-admin
                current-context: skiff
                preferences: {}
                """
                    .formatted(caData())));

    assertThat(config.server()).isEqualTo(URI.create("https://127.0.0.1:6443"));
    assertThat(config.bearerToken()).isEqualTo("abc123");
    assertThat(config.certificateAuthorities())
        .singleElement()
        .extracting(X509Certificate::getSubjectX500Principal)
        .hasToString("CN=client-config-test");
    assertThat(config.sslContext().getProtocol()).isEqualTo("TLS");
    assertThat(config.toString()).doesNotContain("abc123");
  }

  @Test
  void followsTheCurrentContextAndResolvesFilesNextToTheKubeconfig() throws Exception {
    Files.writeString(dir.resolve("ca.crt"), CA);
    Files.writeString(dir.resolve("token"), "from-a-file\n");

    ClientConfig config =
        ClientConfig.fromKubeconfig(
            kubeconfig(
                """
                clusters:
                - name: other
                  cluster: {server: "https://elsewhere:1"}
                - name: mine
                  cluster: {server: "https://10.0.0.1:6443", certificate-authority: ca.crt}
                users:
                - name: other
                  user: {token: wrong}
                - name: me
                  user: {tokenFile: token}
                contexts:
                - name: a
                  context: {cluster: other, user: other}
                - name: b
                  context: {cluster: mine, user: me}
                current-context: b
                """));

    assertThat(config.server()).isEqualTo(URI.create("https://10.0.0.1:6443"));
    assertThat(config.bearerToken()).isEqualTo("from-a-file");
    assertThat(config.certificateAuthorities()).hasSize(1);
  }

  @Test
  void aContextWithoutUserAndClusterWithoutCaUseTheDefaults() throws Exception {
    ClientConfig config =
        ClientConfig.fromKubeconfig(
            kubeconfig(
                """
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:8080"}}]
                contexts: [{name: x, context: {cluster: c}}]
                current-context: x
                """));

    assertThat(config.certificateAuthorities()).isEmpty();
    assertThat(config.bearerToken()).isNull();
  }

  @Test
  void whatItCannotUseIsAnErrorThatNamesTheFile() throws Exception {
    String base =
        """
        clusters: [{name: c, cluster: {server: "https://h:1"%s}}]
        users: [{name: u, user: {%s}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: %s
        """;
    Object[][] cases = {
      {"", "", "", "has no current-context"},
      {"", "", "y", "has no context named \"y\" in contexts"},
      {", insecure-skip-tls-verify: true", "", "x", "insecure-skip-tls-verify is not supported"},
      {", certificate-authority-data: '!!'", "", "x", "certificate-authority-data is not base64"},
      {"", "exec: {command: aws}", "x", "user credentials by exec are not supported"},
      {"", "client-certificate-data: AAAA", "x", "by client-certificate-data are not supported"},
    };
    for (Object[] c : cases) {
      Path file = kubeconfig(base.formatted(c[0], c[1], c[2]));
      assertThatThrownBy(() -> ClientConfig.fromKubeconfig(file))
          .as("%s", c[3])
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining((String) c[3]);
    }
    Path notYaml = kubeconfig("- just\n- a list\n");
    assertThatThrownBy(() -> ClientConfig.fromKubeconfig(notYaml))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a kubeconfig");
  }

  @Test
  void aPemBundleWithoutCertificatesIsAnError() {
    assertThatThrownBy(() -> Tls.certificates("nothing here".getBytes(), "ca.crt"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("ca.crt holds no");
  }
}
