package io.skiff.client.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Where the API server is and how to reach it: its URL, the certificate authorities that may sign
 * its certificate, and the bearer token to send; client-go's {@code rest.Config}, for what Skiff
 * uses of it. Usually read from a kubeconfig ({@link #fromKubeconfig}).
 *
 * @param certificateAuthorities the only CAs trusted for an {@code https} server; empty means the
 *     JDK's default trust store
 * @param bearerToken null to send no {@code Authorization} header
 */
public record ClientConfig(
    URI server, List<X509Certificate> certificateAuthorities, String bearerToken) {

  public ClientConfig {
    Objects.requireNonNull(server, "server");
    certificateAuthorities = List.copyOf(certificateAuthorities);
  }

  /**
   * The current context of a kubeconfig file: its cluster's {@code server} and {@code
   * certificate-authority-data} (or {@code certificate-authority}, a file relative to the
   * kubeconfig's directory), its user's {@code token} (or {@code tokenFile}).
   *
   * @throws IOException if the file cannot be read, is not a kubeconfig, or asks for something this
   *     loader does not do (client certificates, exec plugins, skipping TLS verification); the
   *     message names the file
   */
  public static ClientConfig fromKubeconfig(Path file) throws IOException {
    JsonNode config;
    try {
      config = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
    }
    if (config == null || !config.isObject()) {
      throw new IOException("kubeconfig " + file + " is not a kubeconfig: not a YAML mapping");
    }
    String contextName = config.path("current-context").asText("");
    if (contextName.isEmpty()) {
      throw new IOException("kubeconfig " + file + " has no current-context");
    }
    JsonNode context = named(config, "contexts", contextName, "context", file);
    JsonNode cluster =
        named(config, "clusters", context.path("cluster").asText(""), "cluster", file);
    String userName = context.path("user").asText("");
    JsonNode user =
        userName.isEmpty()
            ? MissingNode.getInstance()
            : named(config, "users", userName, "user", file);

    String server = cluster.path("server").asText("");
    if (server.isEmpty()) {
      throw new IOException("kubeconfig " + file + ": the cluster has no server");
    }
    if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
      throw new IOException(
          "kubeconfig " + file + ": insecure-skip-tls-verify is not supported; give the CA");
    }
    Path dir = file.toAbsolutePath().getParent();
    List<X509Certificate> cas = List.of();
    if (cluster.hasNonNull("certificate-authority-data")) {
      cas =
          Tls.certificates(
              decodeBase64(cluster.path("certificate-authority-data").asText(), file),
              "certificate-authority-data in " + file);
    } else if (cluster.hasNonNull("certificate-authority")) {
      Path ca = dir.resolve(cluster.path("certificate-authority").asText());
      cas = Tls.certificates(Files.readAllBytes(ca), ca.toString());
    }
    for (String unsupported :
        List.of(
            "client-certificate", "client-certificate-data", "exec", "auth-provider", "username")) {
      if (user.has(unsupported)) {
        throw new IOException(
            "kubeconfig " + file + ": user credentials by " + unsupported + " are not supported");
      }
    }
    String token = null;
    if (user.hasNonNull("token")) {
      token = user.path("token").asText();
    } else if (user.hasNonNull("tokenFile")) {
      token = Files.readString(dir.resolve(user.path("tokenFile").asText())).strip();
    }
    return new ClientConfig(URI.create(server), cas, token);
  }

  /**
   * A TLS context that trusts {@link #certificateAuthorities()} only, or the JDK's default trust
   * store when there are none. The server's name is verified against its certificate as always.
   */
  public SSLContext sslContext() {
    try {
      if (certificateAuthorities.isEmpty()) {
        return SSLContext.getDefault();
      }
      return Tls.trusting(certificateAuthorities);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS", e);
    }
  }

  private static JsonNode named(JsonNode config, String list, String name, String field, Path file)
      throws IOException {
    for (JsonNode entry : config.path(list)) {
      if (name.equals(entry.path("name").asText())) {
        return entry.path(field);
      }
    }
    throw new IOException(
        "kubeconfig " + file + " has no " + field + " named \"" + name + "\" in " + list);
  }

  private static byte[] decodeBase64(String data, Path file) throws IOException {
    try {
      return Base64.getDecoder().decode(data.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IOException("kubeconfig " + file + ": certificate-authority-data is not base64", e);
    }
  }

  /** Leaves the token out, which must not end up in logs. */
  @Override
  public String toString() {
    return "ClientConfig[server="
        + server
        + ", certificateAuthorities="
        + certificateAuthorities.size()
        + ", bearerToken="
        + (bearerToken == null ? "none" : "set")
        + "]";
  }
}
