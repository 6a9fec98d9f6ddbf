package io.skiff.bench.apiserver;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.skiff.apiserver.ApiServer;
import io.skiff.clock.Clock;
import io.skiff.store.Compactor;
import io.skiff.store.Store;
import io.skiff.store.memory.MemoryStore;
import io.skiff.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.Stream;

/** One freshly started server under test, listening on plain HTTP on a free loopback port. */
final class Target implements AutoCloseable {

  /** How a server streams watch events; each target speaks only one of them. */
  enum WatchProtocol {
    /** Upstream's: one chunked response, one JSON event per line. */
    HTTP_STREAM,
    /** The mock server's only way: one WebSocket text message per event. */
    WEBSOCKET
  }

  /**
   * The mock logs every request at INFO through java.util.logging, to the console by default. Off:
   * the output would drown the report, and writing it would cost the mock a large part of its time,
   * which is not what is being compared. (A strong reference, as JUL keeps only weak ones.)
   */
  private static final java.util.logging.Logger MOCK_REQUEST_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  private final TargetKind kind;
  private final URI base;
  private final List<AutoCloseable> resources;

  private Target(TargetKind kind, URI base, List<AutoCloseable> resources) {
    this.kind = kind;
    this.base = base;
    this.resources = resources;
  }

  /**
   * Starts a server of {@code kind}; a Skiff server's SQLite database goes into a new directory
   * under {@code tmpDir}, deleted on {@link #close()}.
   */
  static Target start(TargetKind kind, Path tmpDir) {
    return switch (kind) {
      case SKIFF_SQLITE -> startSkiff(kind, tmpDir);
      case SKIFF_MEMORY -> startSkiff(kind, null);
      case MOCK -> startMock();
    };
  }

  TargetKind kind() {
    return kind;
  }

  /** The server's URL without a trailing slash, e.g. {@code http://127.0.0.1:40123}. */
  URI base() {
    return base;
  }

  WatchProtocol watchProtocol() {
    return kind == TargetKind.MOCK ? WatchProtocol.WEBSOCKET : WatchProtocol.HTTP_STREAM;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable r : resources.reversed()) {
      try {
        r.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cannot stop " + kind.label(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The same parts, in the same order, that {@code skiff up} starts (see skiff-cli's Instance). */
  private static Target startSkiff(TargetKind kind, Path tmpDir) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Store store;
      if (tmpDir == null) {
        store = new MemoryStore();
      } else {
        Path dir = Files.createTempDirectory(tmpDir, "skiff-bench-");
        resources.add(() -> deleteTree(dir));
        store = SqliteStore.open(dir.resolve("skiff.db"), SqliteStore.Options.defaults());
      }
      resources.add(store);
      Clock clock = Clock.system();
      resources.add(Compactor.withDefaults(store, clock).start());
      ApiServer server = ApiServer.builder().port(0).store(store).clock(clock).build();
      resources.add(server);
      server.start();
      server.markReady();
      return new Target(kind, server.url(), resources);
    } catch (IOException | RuntimeException e) {
      new Target(kind, null, resources).closeAfterFailure(e);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** What fabric8's JUnit extension starts for {@code @EnableKubernetesMockClient(crud = true)}. */
  @SuppressWarnings("deprecation") // Serialization.jsonMapper(): the mapper the extension passes
  private static Target startMock() {
    MOCK_REQUEST_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer mock =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    mock.init(loopback, 0);
    URI base = URI.create("http://" + loopback.getHostAddress() + ":" + mock.getPort());
    return new Target(TargetKind.MOCK, base, List.of(mock::destroy));
  }

  private void closeAfterFailure(Exception cause) {
    try {
      close();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
