package io.skiff.bench.store;

import io.skiff.bench.BenchFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The disk's price of one commit: write a 4 KiB page and fdatasync it, the way SQLite in WAL mode
 * appends a frame and syncs at commit. Its inverse bounds any one-commit-per-write design, so it
 * explains the other figures on a given machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class FsyncBenchmark {

  static final int PAGE = 4096;

  /** About SQLite's default WAL size before a checkpoint (1000 pages), then written over. */
  static final int PAGES = 1000;

  Path dir;
  FileChannel file;
  final ByteBuffer page = ByteBuffer.wrap(BenchFiles.value(PAGE, 3));
  private long nextPage;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = BenchFiles.freshDir("fsync");
    file =
        FileChannel.open(
            dir.resolve("wal"),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    try {
      file.close();
    } finally {
      BenchFiles.delete(dir);
    }
  }

  @Benchmark
  public void writeAndSync() throws IOException {
    page.rewind();
    file.write(page, (nextPage++ % PAGES) * PAGE);
    file.force(false);
  }
}
