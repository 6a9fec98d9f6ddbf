package io.skiff.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.node.ImageCatalog.Availability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in tag lists and catalog files given to --image-catalog. */
class ImageCatalogTest {

  private static Availability lookup(ImageCatalog catalog, String image) {
    return catalog.lookup(ImageReference.parse(image));
  }

  @ParameterizedTest
  @CsvSource({
    "nginx:1.231, MISSING_TAG",
    "nginx:1.23.1, PRESENT",
    "nginx:1.14.2, PRESENT",
    "nginx:1.7.9, PRESENT",
    "nginx:1.16.1, PRESENT",
    "nginx:1.12, PRESENT",
    "nginx:1.25-alpine, PRESENT",
    "nginx, PRESENT",
    "nginx:alpine, PRESENT",
    "docker.io/library/nginx:stable, PRESENT",
    "nginx:1.2.3.4, MISSING_TAG",
    "redis:7.0.12-alpine, PRESENT",
    "redis:7.0.99, MISSING_TAG",
    "busybox:1.28, PRESENT",
    "httpd:2.4, PRESENT",
    "alpine:3.18, PRESENT",
    "ubuntu:22.04, PRESENT",
    "ubuntu:jammy-20240111, PRESENT",
    "ubuntu:22.05, MISSING_TAG",
    "postgres:15-alpine, PRESENT",
    "mysql:8.0.26, PRESENT",
    "mysql:5.7, PRESENT",
    "fluentd:v1.16-1, PRESENT",
    "example/unknown:anything, UNKNOWN_REPOSITORY",
    "registry.example.com/app:v1, UNKNOWN_REPOSITORY",
  })
  void builtinCatalog(String image, Availability expected) {
    assertThat(lookup(ImageCatalog.builtin(), image)).isEqualTo(expected);
  }

  @Test
  void digestsAlwaysPull() {
    assertThat(lookup(ImageCatalog.builtin(), "nginx@sha256:" + "0".repeat(64)))
        .isEqualTo(Availability.BY_DIGEST);
  }

  @Test
  void fileAddsAndReplacesRepositories(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("catalog.txt");
    Files.writeString(
        file,
        """
        # ours
        nginx: 1.231   # a tag we pretend exists; the rest of nginx is gone
        registry.example.com/team/app: v1 v2
        registry.example.com/team/app: v3
        ghcr.io/acme/tool: *
        """);
    ImageCatalog catalog = ImageCatalog.builtin().withFile(file);
    assertThat(lookup(catalog, "nginx:1.231")).isEqualTo(Availability.PRESENT);
    assertThat(lookup(catalog, "nginx:1.23.1")).isEqualTo(Availability.MISSING_TAG);
    assertThat(lookup(catalog, "registry.example.com/team/app:v3")).isEqualTo(Availability.PRESENT);
    assertThat(lookup(catalog, "registry.example.com/team/app:v4"))
        .isEqualTo(Availability.MISSING_TAG);
    assertThat(lookup(catalog, "ghcr.io/acme/tool:anything"))
        .isEqualTo(Availability.UNKNOWN_REPOSITORY);
    assertThat(lookup(catalog, "redis:7.0.12")).isEqualTo(Availability.PRESENT);
  }

  @Test
  void malformedLinesAreReportedWithTheirPlace(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "nginx: 1.0\nnot a line\n");
    assertThatThrownBy(() -> ImageCatalog.builtin().withFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ":2: expected \"repository: tag tag ...\", got \"not a line\"");
    Files.writeString(file, "nginx:1.0: 1.0\n");
    assertThatThrownBy(() -> ImageCatalog.builtin().withFile(file))
        .hasMessageContaining(":1: \"nginx:1.0\" names a tag; give the repository alone");
    Files.writeString(file, "Nginx: 1.0\n");
    assertThatThrownBy(() -> ImageCatalog.builtin().withFile(file))
        .hasMessageContaining(":1: \"Nginx\" is not a repository");
  }
}
