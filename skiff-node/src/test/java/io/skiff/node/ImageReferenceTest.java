package io.skiff.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Image references normalized as docker's reference.ParseNormalizedNamed does. */
class ImageReferenceTest {

  @ParameterizedTest
  @CsvSource({
    "nginx, docker.io/library/nginx:latest",
    "nginx:1.23.1, docker.io/library/nginx:1.23.1",
    "library/nginx:1.25, docker.io/library/nginx:1.25",
    "docker.io/library/nginx:alpine, docker.io/library/nginx:alpine",
    "index.docker.io/library/redis, docker.io/library/redis:latest",
    "bitnami/redis:7.2, docker.io/bitnami/redis:7.2",
    "registry.k8s.io/pause:3.9, registry.k8s.io/pause:3.9",
    "localhost:5000/app:v1, localhost:5000/app:v1",
    "localhost/app, localhost/app:latest",
    "ghcr.io/org/team/tool:1.0-rc.1, ghcr.io/org/team/tool:1.0-rc.1",
  })
  void normalizes(String image, String normalized) {
    ImageReference ref = ImageReference.parse(image);
    assertThat(ref.normalized()).isEqualTo(normalized);
  }

  @org.junit.jupiter.api.Test
  void digestWithoutTagKeepsNoTag() {
    String digest = "sha256:" + "a".repeat(64);
    ImageReference ref = ImageReference.parse("nginx@" + digest);
    assertThat(ref.tag()).isNull();
    assertThat(ref.digest()).isEqualTo(digest);
    assertThat(ref.normalized()).isEqualTo("docker.io/library/nginx@" + digest);
    assertThat(Ids.imageId(ref)).isEqualTo("docker.io/library/nginx@" + digest);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Nginx|invalid reference format: repository name must be lowercase",
        "nginx:|invalid reference format",
        "nginx:-bad|invalid reference format",
        "nginx@sha256:xyz|invalid reference format",
        "a//b|invalid reference format",
        "nginx:1.2 3|invalid reference format",
      })
  void rejectsWhatDockerRejects(String image, String message) {
    assertThatThrownBy(() -> ImageReference.parse(image)).hasMessage(message);
  }
}
