package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.clock.ManualClock;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ManualClock clock = new ManualClock();

  @AfterEach
  void closeClient() {
    http.close();
  }

  private Instance instance(Instance.StoreKind store) {
    return new Instance(new Instance.Config(dir, 0, 3, null, store), clock);
  }

  @Test
  void startsReadyWritesTheKubeconfigAndReleasesEverythingOnClose() throws Exception {
    URI url;
    try (Instance skiff = instance(Instance.StoreKind.MEMORY).start()) {
      url = skiff.url();
      HttpResponse<String> readyz =
          http.send(
              HttpRequest.newBuilder(url.resolve("/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(readyz.statusCode()).isEqualTo(200);
      assertThat(dir.resolve("kubeconfig")).content().contains("server: \"" + url + "\"");
      assertThat(skiff.storeDescription()).isEqualTo("memory, nothing persisted");
      assertThat(Files.exists(dir.resolve("skiff.db"))).isFalse();
    }
    // The lock is free again and the port closed.
    DataDirLock.acquire(dir).close();
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(url.resolve("/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.ConnectException.class);
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
      assertThat(kubeconfig).content().contains(skiff.url().toString());
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
