package io.skiff.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a data directory, held as an OS lock on {@code DIR/skiff.lock} for as long
 * as Skiff runs. The OS drops the lock when the process dies, however it dies, so a crashed Skiff
 * never leaves a directory locked. The file holds the owner's pid, for the error message.
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE_NAME = "skiff.lock";

  /**
   * Directories locked by this JVM. A second channel on the same file must never be opened: closing
   * it would drop this process's lock (POSIX locks belong to the process, not the channel).
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path dataDir;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path dataDir, Path file, FileChannel channel, FileLock lock) {
    this.dataDir = dataDir;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dataDir} at once, or fails.
   *
   * @throws InUseException if another Skiff (or this one) holds it
   * @throws IOException if the lock file cannot be created or locked
   */
  static DataDirLock acquire(Path dataDir) throws IOException, InUseException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Path file = dir.resolve(FILE_NAME);
    if (!HELD.add(dir)) {
      throw new InUseException(dir, file, ProcessHandle.current().pid());
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new InUseException(dir, file, readPid(channel));
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      return new DataDirLock(dir, file, channel, lock);
    } catch (IOException | InUseException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      HELD.remove(dir);
      throw e;
    }
  }

  /** The pid the holder wrote, or -1 if it has not written one yet or wrote something else. */
  private static long readPid(FileChannel channel) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(32);
    channel.read(buf, 0);
    String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  Path dataDir() {
    return dataDir;
  }

  Path file() {
    return file;
  }

  /** Releases the lock; the file stays, so that a waiting peer never races its deletion. */
  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
      HELD.remove(dataDir);
    }
  }

  /** The data directory belongs to another running Skiff. */
  static final class InUseException extends Exception {
    private final Path dataDir;
    private final Path file;
    private final long holderPid;

    InUseException(Path dataDir, Path file, long holderPid) {
      super(
          "data directory "
              + dataDir
              + " is in use by another skiff (lock "
              + file
              + " held"
              + (holderPid > 0 ? " by pid " + holderPid : "")
              + ")");
      this.dataDir = dataDir;
      this.file = file;
      this.holderPid = holderPid;
    }

    Path dataDir() {
      return dataDir;
    }

    Path file() {
      return file;
    }

    long holderPid() {
      return holderPid;
    }
  }
}
