package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

  @Test
  void aHeldDirectoryIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
    try (DataDirLock held = DataDirLock.acquire(dir)) {
      Path lockFile = dir.resolve("skiff.lock");
      assertThat(held.file()).isEqualTo(lockFile);
      assertThat(lockFile).hasContent(Long.toString(ProcessHandle.current().pid()));

      assertThatThrownBy(() -> DataDirLock.acquire(dir))
          .isInstanceOf(DataDirLock.InUseException.class)
          .hasMessage(
              "data directory "
                  + dir
                  + " is in use by another skiff (lock "
                  + lockFile
                  + " held by pid "
                  + ProcessHandle.current().pid()
                  + ")");
      // The refusal must not have cost the holder its lock.
      assertThatThrownBy(() -> DataDirLock.acquire(dir.resolve(".")))
          .isInstanceOf(DataDirLock.InUseException.class);
    }
  }

  @Test
  void closingReleasesTheLockAndKeepsTheFile(@TempDir Path dir) throws Exception {
    DataDirLock.acquire(dir).close();

    try (DataDirLock again = DataDirLock.acquire(dir)) {
      assertThat(again.dataDir()).isEqualTo(dir.toAbsolutePath().normalize());
    }
    assertThat(dir.resolve("skiff.lock")).exists();
  }

  @Test
  void aStaleLockFileFromACrashIsTakenOver(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("skiff.lock"), "999999999\n");

    try (DataDirLock lock = DataDirLock.acquire(dir)) {
      assertThat(lock.file()).hasContent(Long.toString(ProcessHandle.current().pid()));
    }
  }
}
