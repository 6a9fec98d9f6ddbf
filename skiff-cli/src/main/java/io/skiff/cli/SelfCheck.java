package io.skiff.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests a running Skiff's own endpoints, for {@code skiff up --exit-when-ready}: the launcher
 * runs that once after a build so that the class-data archive it records holds the classes a
 * request needs, not only those of start-up. A plain socket rather than an HTTP client, so that the
 * client's classes do not end up in the archive.
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

  /**
   * @throws IOException if a request fails or answers an unexpected status
   */
  static void run(URI base) throws IOException {
    for (Map.Entry<String, Integer> e : EXPECTED.entrySet()) {
      int status = get(base, e.getKey());
      if (status != e.getValue()) {
        throw new IOException(
            "GET " + e.getKey() + " answered " + status + ", not " + e.getValue());
      }
    }
  }

  private static int get(URI base, String path) throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + base.getAuthority()
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
