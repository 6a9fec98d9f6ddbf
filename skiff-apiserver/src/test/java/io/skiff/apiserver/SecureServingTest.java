package io.skiff.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.store.memory.MemoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server as {@code skiff up} runs it: HTTPS, HTTP/2 by ALPN, bearer tokens. */
class SecureServingTest {

  private static final String UNAUTHORIZED =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";

  private final TestCredentials credentials = TestCredentials.get();
  private final HttpClient h2 = client(HttpClient.Version.HTTP_2);
  private final HttpClient h1 = client(HttpClient.Version.HTTP_1_1);
  private MemoryStore store;
  private ApiServer server;

  private HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(credentials.sslContext()).build();
  }

  @BeforeEach
  void start() throws IOException {
    store = new MemoryStore();
    server = credentials.secure(ApiServer.builder().port(0).store(store)).build().start();
    server.markReady();
  }

  @AfterEach
  void stop() {
    server.stop();
    store.close();
    h2.close();
    h1.close();
  }

  @Test
  void theUrlIsHttps() {
    assertThat(server.url()).isEqualTo(URI.create("https://127.0.0.1:" + server.port()));
  }

  @Test
  void withoutATokenTheApiAnswersUpstreamsUnauthorizedStatus() throws Exception {
    for (String path :
        List.of("/api", "/apis", "/api/v1/namespaces", "/openapi/v3", "/nope", "/livez/ping")) {
      HttpResponse<String> r = send(h2, request(path), null);

      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).as(path).isEqualTo(UNAUTHORIZED);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache, private");
    }
    long revision = store.currentRevision();
    HttpResponse<String> write =
        send(
            h1,
            request("/api/v1/namespaces")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                            + "\"metadata\":{\"name\":\"sneaky\"}}")),
            null);
    assertThat(write.statusCode()).isEqualTo(401);
    assertThat(store.currentRevision()).as("nothing written").isEqualTo(revision);
  }

  @Test
  void aWrongTokenIsRefusedEvenWhereAnonymousRequestsAreServed() throws Exception {
    for (String path : List.of("/api/v1/namespaces", "/version", "/readyz")) {
      HttpResponse<String> r = send(h2, request(path), "Bearer " + credentials.token() + "x");

      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).as(path).isEqualTo(UNAUTHORIZED);
    }
  }

  @Test
  void otherSchemesAreAnonymous() throws Exception {
    assertThat(send(h2, request("/api"), "Basic YWRtaW46YWRtaW4=").statusCode()).isEqualTo(401);
    assertThat(send(h2, request("/version"), "Basic YWRtaW46YWRtaW4=").statusCode()).isEqualTo(200);
  }

  @Test
  void theTokenOpensTheApi() throws Exception {
    HttpResponse<String> r =
        send(h2, request("/api/v1/namespaces"), "Bearer " + credentials.token());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"kind\":\"NamespaceList\"").contains("kube-system");
  }

  @Test
  void healthAndVersionAreServedToAnyone() throws Exception {
    for (String path : List.of("/livez", "/readyz", "/healthz", "/version", "/version/")) {
      HttpResponse<String> r = send(h2, request(path), null);

      assertThat(r.statusCode()).as(path).isEqualTo(200);
    }
    assertThat(send(h2, request("/version"), null).body()).contains("\"gitVersion\"");
  }

  @Test
  void alpnNegotiatesHttp2ForClientsThatOfferIt() throws Exception {
    HttpResponse<String> r = send(h2, request("/api"), "Bearer " + credentials.token());

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void http11ClientsAreServedToo() throws Exception {
    HttpResponse<String> r = send(h1, request("/api"), "Bearer " + credentials.token());

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void aClientWithoutAlpnGetsHttp11() throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            credentials.sslContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));

      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(socket.getApplicationProtocol()).isEmpty();
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCaCannotConnect() {
    try (HttpClient untrusting = HttpClient.newHttpClient()) {
      assertThatThrownBy(
              () ->
                  untrusting.send(
                      request("/version").build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.url().resolve(path));
  }

  private static HttpResponse<String> send(
      HttpClient client, HttpRequest.Builder request, String authorization) throws Exception {
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
