package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.apiserver.auth.Pki;
import io.skiff.client.transport.ClientConfig;
import io.skiff.client.transport.Tls;
import io.skiff.clock.ManualClock;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceTest {

  @TempDir Path dir;
  // At the real time: the clients' TLS checks the certificates the instance makes against it.
  private final ManualClock clock = new ManualClock(Instant.now());
  private HttpClient http;

  @AfterEach
  void closeClient() {
    if (http != null) {
      http.close();
    }
  }

  /** A client that trusts the instance's CA, as one configured by its kubeconfig does. */
  private HttpClient client(Instance skiff) throws Exception {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .sslContext(Tls.trusting(List.of(skiff.certificateAuthority())))
              .build();
    }
    return http;
  }

  private HttpResponse<String> get(Instance skiff, URI url, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(url);
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return client(skiff).send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Instance instance(Instance.StoreKind store) {
    return new Instance(new Instance.Config(dir, 0, 3, null, store), clock);
  }

  @Test
  void startsReadyWritesTheKubeconfigAndReleasesEverythingOnClose() throws Exception {
    URI url;
    HttpClient client;
    try (Instance skiff = instance(Instance.StoreKind.MEMORY).start()) {
      url = skiff.url();
      client = client(skiff);
      assertThat(url.toString()).startsWith("https://127.0.0.1:");
      assertThat(get(skiff, url.resolve("/readyz"), null).statusCode()).isEqualTo(200);
      ClientConfig kubeconfig = ClientConfig.fromKubeconfig(dir.resolve("kubeconfig"));
      assertThat(kubeconfig.server()).isEqualTo(url);
      assertThat(kubeconfig.certificateAuthorities()).containsExactly(skiff.certificateAuthority());
      assertThat(kubeconfig.bearerToken()).isEqualTo(skiff.adminToken());
      assertThat(skiff.storeDescription()).isEqualTo("memory, nothing persisted");
      assertThat(Files.exists(dir.resolve("skiff.db"))).isFalse();
    }
    // The lock is free again and the port closed.
    DataDirLock.acquire(dir).close();
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(url.resolve("/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void theApiWantsTheAdminTokenOfTheKubeconfig() throws Exception {
    try (Instance skiff = instance(Instance.StoreKind.MEMORY).start()) {
      URI namespaces = skiff.url().resolve("/api/v1/namespaces");

      assertThat(get(skiff, namespaces, null).statusCode()).isEqualTo(401);
      assertThat(get(skiff, namespaces, "not-the-token").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = get(skiff, namespaces, skiff.adminToken());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"kind\":\"NamespaceList\"");
      assertThat(skiff.adminToken()).matches("[0-9a-f]{64}");
      assertThat(dir.resolve("pki/admin.token")).hasContent(skiff.adminToken());
    }
  }

  @Test
  void theCaTheTokenAndTheServingCertificateAreKeptAcrossRestarts() throws Exception {
    String fingerprint;
    String token;
    byte[] serving;
    Path kubeconfig = dir.resolve("kubeconfig");
    ClientConfig before;
    try (Instance first = instance(Instance.StoreKind.MEMORY).start()) {
      fingerprint = Pki.fingerprint(first.certificateAuthority());
      token = first.adminToken();
      serving = Files.readAllBytes(dir.resolve("pki/apiserver.crt"));
      before = ClientConfig.fromKubeconfig(kubeconfig);
    }

    try (Instance second = instance(Instance.StoreKind.MEMORY).start()) {
      assertThat(Pki.fingerprint(second.certificateAuthority())).isEqualTo(fingerprint);
      assertThat(second.adminToken()).isEqualTo(token);
      assertThat(dir.resolve("pki/apiserver.crt")).hasBinaryContent(serving);
      // What a client configured from the old kubeconfig holds still opens the API.
      try (HttpClient old = HttpClient.newBuilder().sslContext(before.sslContext()).build()) {
        HttpResponse<String> r =
            old.send(
                HttpRequest.newBuilder(second.url().resolve("/api/v1/namespaces"))
                    .header("Authorization", "Bearer " + before.bearerToken())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void aCorruptCertificateStopsStartUpNamingItAndReleasesTheLock() throws Exception {
    instance(Instance.StoreKind.MEMORY).start().close();
    Path ca = dir.resolve("pki/ca.crt");
    Files.writeString(ca, "garbage\n");

    assertThatThrownBy(() -> instance(Instance.StoreKind.SQLITE).start())
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("cannot read " + ca + ": ");

    assertThat(ca).hasContent("garbage");
    assertThat(dir.resolve("skiff.db")).as("nothing opened after the failure").doesNotExist();
    DataDirLock.acquire(dir).close();
  }

  @Test
  void aSecondInstanceOnTheSameDirectoryFailsWithoutTouchingTheStore() throws Exception {
    try (Instance first = instance(Instance.StoreKind.MEMORY).start()) {
      assertThatThrownBy(() -> instance(Instance.StoreKind.SQLITE).start())
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("data directory " + dir + " is in use by another skiff")
          .hasMessageContaining("skiff.lock held");
      assertThat(Files.exists(dir.resolve("skiff.db"))).isFalse();
    }
  }

  @Test
  void aTakenPortFailsClearlyAndReleasesTheLock() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Instance skiff =
          new Instance(
              new Instance.Config(dir, taken.getLocalPort(), 3, null, Instance.StoreKind.MEMORY),
              clock);
      assertThatThrownBy(skiff::start)
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
          .hasMessageContaining("try --port");
    }
    DataDirLock.acquire(dir).close();
  }

  @Test
  void aFileThatIsNotADatabaseStopsStartUpAndIsLeftAsItWas() throws Exception {
    Path db = dir.resolve("skiff.db");
    byte[] garbage = "this is not a Skiff database\n".repeat(200).getBytes();
    Files.write(db, garbage);

    assertThatThrownBy(() -> instance(Instance.StoreKind.SQLITE).start())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(db.toString());

    assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
    DataDirLock.acquire(dir).close();
  }

  @Test
  void theKubeconfigGoesWhereItIsAsked() throws Exception {
    Path kubeconfig = dir.resolve("elsewhere/config");
    try (Instance skiff =
        new Instance(new Instance.Config(dir, 0, 3, kubeconfig, Instance.StoreKind.MEMORY), clock)
            .start()) {
      assertThat(skiff.config().kubeconfig()).isEqualTo(kubeconfig);
      assertThat(ClientConfig.fromKubeconfig(kubeconfig).server()).isEqualTo(skiff.url());
      assertThat(dir.resolve("kubeconfig")).doesNotExist();
    }
  }

  @Test
  void closeIsIdempotentAndStartAfterCloseFails() throws Exception {
    Instance skiff = instance(Instance.StoreKind.MEMORY).start();
    skiff.close();
    skiff.close();
    Instance closed = instance(Instance.StoreKind.MEMORY);
    closed.close();
    assertThatThrownBy(closed::start)
        .isInstanceOf(StartupException.class)
        .hasMessage("interrupted by shutdown");
    DataDirLock.acquire(dir).close();
  }
}
