package io.skiff.cli;

import io.skiff.client.transport.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Requests a running Skiff's own endpoints, for {@code skiff up --exit-when-ready}: the launcher
 * runs that once after a build so that the class-data archive it records holds the classes a
 * request needs, not only those of start-up: TLS, authentication, the API. A TLS socket rather than
 * an HTTP client, so that the client's classes do not end up in the archive. It verifies the
 * server's certificate against the CA, as kubectl does.
 */
final class SelfCheck {

  private SelfCheck() {}

  /** The paths requested, with the status each must answer. */
  static final Map<String, Integer> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("/readyz", 200);
    EXPECTED.put("/livez", 200);
    EXPECTED.put("/healthz?verbose", 200);
    EXPECTED.put("/version", 200);
    // What kubectl asks first: discovery, then a table of objects, then the OpenAPI index.
    EXPECTED.put("/api", 200);
    EXPECTED.put("/apis", 200);
    EXPECTED.put("/api/v1/namespaces", 200);
    EXPECTED.put("/apis/apps/v1/namespaces/default/deployments", 200);
    EXPECTED.put("/openapi/v3", 200);
    EXPECTED.put("/nope", 404);
  }

  /** Requested without the token: what an anonymous client may and may not see. */
  static final Map<String, Integer> ANONYMOUS = new LinkedHashMap<>();

  static {
    ANONYMOUS.put("/version", 200);
    ANONYMOUS.put("/api", 401);
  }

  /**
   * @throws IOException if a request fails or answers an unexpected status
   */
  static void run(URI base, X509Certificate ca, String token) throws IOException {
    SSLSocketFactory tls;
    try {
      tls = Tls.trusting(List.of(ca)).getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
    check(tls, base, EXPECTED, token);
    check(tls, base, ANONYMOUS, null);
  }

  private static void check(
      SSLSocketFactory tls, URI base, Map<String, Integer> expected, String token)
      throws IOException {
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int status = get(tls, base, e.getKey(), token);
      if (status != e.getValue()) {
        throw new IOException(
            "GET "
                + e.getKey()
                + (token == null ? " without a token" : "")
                + " answered "
                + status
                + ", not "
                + e.getValue());
      }
    }
  }

  private static int get(SSLSocketFactory tls, URI base, String path, String token)
      throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.createSocket(base.getHost(), base.getPort())) {
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + base.getAuthority()
                  + (token == null ? "" : "\r\nAuthorization: Bearer " + token)
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      // "HTTP/1.1 200 OK"
      String[] statusLine = response.lines().findFirst().orElse("").split(" ");
      if (statusLine.length < 2) {
        throw new IOException("GET " + path + ": no HTTP status line");
      }
      return Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException("GET " + path + ": malformed HTTP status line", e);
    }
  }
}
