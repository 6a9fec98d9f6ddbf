package io.skiff.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.skiff.store.KeyValue;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.tck.RecordingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process writing to the store with SIGKILL at random moments, again and again on the same
 * file, and checks after each kill that every acknowledged write is there, intact, and that
 * revisions go on increasing.
 */
class SqliteCrashIT {

  private static final int CYCLES = 20;

  @TempDir Path dir;

  /** A key's newest write as far as the test knows. */
  private record Version(long revision, String digest) {}

  private final Map<String, Version> latest = new HashMap<>();
  private int acknowledged;
  private int unacknowledged;

  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    long seed = Long.getLong("skiff.crash.seed", System.nanoTime());
    System.out.println(
        "SqliteCrashIT seed " + seed + " (rerun with -Dskiff.crash.seed=" + seed + ")");
    Random random = new Random(seed);
    Path file = dir.resolve("crash.db");
    long seen = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      Child child = new Child(file, random.nextLong(), dir.resolve("child-" + cycle + ".err"));
      int wanted = 1 + random.nextInt(40);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> child.acks().size() >= wanted || !child.process.isAlive());
      assertThat(child.process.isAlive()).as("child alive; stderr: %s", child.stderr()).isTrue();
      // The random moment of the kill: anywhere in a write, a commit or an fsync.
      Thread.sleep(random.nextInt(200));
      // SIGKILL through the handle: Process.destroyForcibly would also close our end of the
      // child's stdout, losing acks still in the pipe.
      child.process.toHandle().destroyForcibly();
      child.process.waitFor();
      child.reader.join();
      seen = verify(file, child.acks(), seen, cycle, seed);
    }
    System.out.printf(
        "SqliteCrashIT: %d kills, %d acknowledged writes, %d committed unacknowledged, head %d%n",
        CYCLES, acknowledged, unacknowledged, seen);
  }

  /** Checks the store after a kill; returns the newest revision the test has seen. */
  private long verify(Path file, List<CrashWriter.Ack> acks, long seen, int cycle, long seed) {
    String context = "cycle " + cycle + ", seed " + seed;
    try (SqliteStore store = SqliteStore.open(file, SqliteStore.Options.defaults())) {
      long head = store.currentRevision();
      assertThat(acks)
          .as(context)
          .isNotEmpty()
          .extracting(CrashWriter.Ack::revision)
          .doesNotHaveDuplicates()
          .allMatch(r -> r > seen && r <= head, "above " + seen + ", at most " + head);

      // Every write since the last cycle, acknowledged or not, in one gap-free run of revisions.
      RecordingListener listener = new RecordingListener();
      List<WatchEvent> events;
      try (Watch w = store.watch(CrashWriter.PREFIX, seen, listener)) {
        events = listener.awaitRevision(head);
      }
      assertThat(events)
          .as(context)
          .extracting(WatchEvent::revision)
          .containsExactlyElementsOf(LongStream.rangeClosed(seen + 1, head).boxed().toList());
      Map<Long, WatchEvent> byRevision = new HashMap<>();
      for (WatchEvent e : events) {
        CrashWriter.Header h = CrashWriter.parse(e.kv().value());
        assertThat(h.key()).as(context).isEqualTo(e.key());
        // Compare-and-swap held: each write replaced the version it had read.
        long replaced = e.prevKv() == null ? 0 : e.prevKv().modRevision();
        assertThat(h.expected()).as("%s: revision %d", context, e.revision()).isEqualTo(replaced);
        byRevision.put(e.revision(), e);
        latest.put(e.key(), new Version(e.revision(), CrashWriter.digest(e.kv().value())));
      }
      for (CrashWriter.Ack ack : acks) {
        WatchEvent e = byRevision.get(ack.revision());
        assertThat(e.key()).as(context).isEqualTo(ack.key());
        assertThat(CrashWriter.digest(e.kv().value())).as(context).isEqualTo(ack.digest());
      }
      // Only a write in flight when the kill came may have committed unacknowledged.
      assertThat(events.size() - acks.size()).as(context).isBetween(0, CrashWriter.THREADS);
      acknowledged += acks.size();
      unacknowledged += events.size() - acks.size();

      for (Map.Entry<String, Version> e : latest.entrySet()) {
        KeyValue kv = store.get(e.getKey()).orElseThrow();
        assertThat(new Version(kv.modRevision(), CrashWriter.digest(kv.value())))
            .as(context)
            .isEqualTo(e.getValue());
      }

      KeyValue after = store.create("/crash-marker/" + cycle, new byte[] {1});
      assertThat(after.modRevision()).as(context).isEqualTo(head + 1);
      if (cycle % 5 == 4) {
        // Some cycles start from a compacted file, with the newest rows of deleted keys gone.
        store.delete(after.key(), after.modRevision());
        store.compact(store.currentRevision());
      }
      return store.currentRevision();
    }
  }

  /** A running {@link CrashWriter} and the acks read from it so far. */
  private static final class Child {
    final Process process;
    final Thread reader;
    private final Path stderr;
    private final List<CrashWriter.Ack> acks = new ArrayList<>();

    Child(Path file, long seed, Path stderr) throws IOException {
      this.stderr = stderr;
      String java = ProcessHandle.current().info().command().orElseThrow();
      process =
          new ProcessBuilder(
                  java,
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashWriter.class.getName(),
                  file.toString(),
                  Long.toString(seed))
              .redirectError(stderr.toFile())
              .start();
      reader = Thread.ofPlatform().start(this::read);
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          CrashWriter.Ack ack = CrashWriter.Ack.parse(line);
          if (ack != null) {
            synchronized (acks) {
              acks.add(ack);
            }
          }
        }
      } catch (IOException e) {
        // The pipe closes when the child dies.
      }
    }

    List<CrashWriter.Ack> acks() {
      synchronized (acks) {
        return List.copyOf(acks);
      }
    }

    String stderr() throws IOException {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    }
  }
}
