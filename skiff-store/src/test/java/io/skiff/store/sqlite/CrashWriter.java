package io.skiff.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.skiff.store.ConflictException;
import io.skiff.store.KeyExistsException;
import io.skiff.store.KeyValue;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The child process of {@link SqliteCrashIT}: writes to a store from several threads until it is
 * killed, printing {@code ack <key> <revision> <digest> .} for every write acknowledged to it.
 *
 * <p>Every value carries the write that made it (key, the revision it expected to replace, writer
 * thread, sequence) and a checksum, so that any value found after a crash can be checked intact.
 */
public final class CrashWriter {

  static final String PREFIX = "/crash/";
  static final int KEYS = 16;
  static final int THREADS = 4;

  /** Bounds the child should the test that started it die without killing it. */
  private static final long MAX_SECONDS = 60;

  /** What a value says about the write that stored it. */
  record Header(String key, long expected, int thread, long seq) {}

  /** An acknowledged write, as printed by the child. */
  record Ack(String key, long revision, String digest) {
    /** The ack on {@code line}, or null for a line that the kill cut short. */
    static Ack parse(String line) {
      String[] f = line.split(" ");
      if (f.length != 5 || !f[0].equals("ack") || !f[4].equals(".")) {
        return null;
      }
      return new Ack(f[1], Long.parseLong(f[2]), f[3]);
    }
  }

  private CrashWriter() {}

  public static void main(String[] args) throws InterruptedException {
    Path file = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    // Never closed: the test kills this process.
    SqliteStore store = SqliteStore.open(file, SqliteStore.Options.defaults());
    PrintStream out = System.out;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Random random = new Random(seed * 31 + t);
      threads[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (long seq = 0; System.nanoTime() < deadline; seq++) {
                      String key = PREFIX + "k" + random.nextInt(KEYS);
                      Optional<KeyValue> current = store.get(key);
                      long expected = current.map(KeyValue::modRevision).orElse(0L);
                      byte[] value = value(new Header(key, expected, thread, seq), random);
                      KeyValue written;
                      try {
                        written =
                            current.isPresent()
                                ? store.update(key, value, expected)
                                : store.create(key, value);
                      } catch (ConflictException | KeyExistsException e) {
                        continue; // another thread won the race for this key
                      }
                      synchronized (out) {
                        out.println(
                            "ack "
                                + key
                                + " "
                                + written.modRevision()
                                + " "
                                + digest(value)
                                + " .");
                        out.flush();
                      }
                    }
                  });
    }
    for (Thread t : threads) {
      t.join();
    }
    System.exit(0);
  }

  /** A value of varying size: checksum, header, then random bytes. */
  static byte[] value(Header h, Random random) {
    byte[] header =
        (h.key() + " " + h.expected() + " " + h.thread() + " " + h.seq()).getBytes(UTF_8);
    int roll = random.nextInt(100);
    int payload =
        roll < 90
            ? random.nextInt(4096)
            : roll < 99 ? random.nextInt(64 << 10) : random.nextInt(1 << 20);
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + header.length + payload);
    b.position(8);
    b.putShort((short) header.length).put(header);
    byte[] rest = new byte[payload];
    random.nextBytes(rest);
    b.put(rest);
    byte[] value = b.array();
    b.putLong(0, crc(value));
    return value;
  }

  /** The header of a value, after checking its checksum. */
  static Header parse(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    if (value.length < 10 || b.getLong(0) != crc(value)) {
      throw new AssertionError("value of " + value.length + " bytes fails its checksum");
    }
    byte[] header = new byte[b.getShort(8)];
    b.get(10, header);
    String[] f = new String(header, UTF_8).split(" ");
    return new Header(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]));
  }

  static String digest(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long crc(byte[] value) {
    CRC32C crc = new CRC32C();
    crc.update(value, 8, value.length - 8);
    return crc.getValue();
  }
}
