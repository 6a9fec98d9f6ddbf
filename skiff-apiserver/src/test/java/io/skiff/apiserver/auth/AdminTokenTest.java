package io.skiff.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

  @TempDir Path dir;

  @Test
  void aNewTokenIs256RandomBitsInAFileOnlyItsOwnerReads() throws Exception {
    Path file = dir.resolve("admin.token");

    String token = AdminToken.loadOrCreate(file);

    assertThat(token).matches("[0-9a-f]{64}");
    assertThat(file).hasContent(token);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(file);
    }
    assertThat(AdminToken.loadOrCreate(dir.resolve("another"))).isNotEqualTo(token);
  }

  @Test
  void theTokenIsKeptAcrossStarts() throws Exception {
    Path file = dir.resolve("admin.token");
    String first = AdminToken.loadOrCreate(file);

    assertThat(AdminToken.loadOrCreate(file)).isEqualTo(first);
  }

  @Test
  void aTokenSomeoneWroteIsUsedAsItIs() throws Exception {
    Path file = dir.resolve("admin.token");
    Files.writeString(file, "  my-own.token_123  \n");

    assertThat(AdminToken.loadOrCreate(file)).isEqualTo("my-own.token_123");
  }

  @Test
  void anEmptyOrMalformedFileIsAnErrorThatNamesIt() throws Exception {
    Path file = dir.resolve("admin.token");
    Files.writeString(file, "\n");
    assertThatThrownBy(() -> AdminToken.loadOrCreate(file))
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            "cannot read " + file + ": it is empty; delete it to have skiff make a new token");

    Files.writeString(file, "two words\n");
    assertThatThrownBy(() -> AdminToken.loadOrCreate(file))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("cannot read " + file + ": a token is one line");
  }

  @Test
  void anUnreadableFileIsAnErrorThatNamesIt() throws Exception {
    Path file = dir.resolve("admin.token");
    Files.createDirectory(file);

    assertThatThrownBy(() -> AdminToken.loadOrCreate(file))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("cannot read " + file + ": ");
  }
}
