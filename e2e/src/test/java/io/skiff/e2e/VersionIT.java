package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kubectl version} against Skiff, with the oldest and the newest kubectl we support. */
class VersionIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  @ForEachKubectl
  void kubectlShowsTheServerAsKubernetes133Skiff(String version) {
    Kubectl kubectl = skiff.kubectl(version);

    // 1.27 warns on stderr that 1.33 is beyond the supported skew; it still exits 0.
    JsonNode info = kubectl.json("version");

    assertThat(info.at("/clientVersion/minor").asText()).isEqualTo(version.substring(2));
    JsonNode server = info.path("serverVersion");
    assertThat(server.path("gitVersion").asText()).isEqualTo("v1.33.0-skiff");
    assertThat(server.path("major").asText()).isEqualTo("1");
    assertThat(server.path("minor").asText()).isEqualTo("33");
  }
}
