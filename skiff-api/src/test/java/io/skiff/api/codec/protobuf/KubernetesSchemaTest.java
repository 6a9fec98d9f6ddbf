package io.skiff.api.codec.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KubernetesSchemaTest {

  private static final Path KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");

  @Test
  void parsesAndResolvesEveryType() {
    Schema schema = Schema.parse(KubernetesSchema.parts());
    assertThat(schema.size()).isGreaterThan(300);
    Schema.Message pod = schema.message("k8s.io.api.core.v1.Pod");
    assertThat(pod.fields).extracting(f -> f.json).containsExactly("metadata", "spec", "status");
    assertThat(schema.message("k8s.io.apimachinery.pkg.apis.meta.v1.Time").special)
        .isEqualTo(Schema.Special.TIME);
  }

  /**
   * The committed schema is what {@code generate_schema.py} makes of kubectl 1.33 today. Where
   * python3 or that kubectl is missing, there is nothing to compare with.
   */
  @Test
  void isWhatTheGeneratorMakesOfKubectl() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), KUBECTL + " is not here");
    Path script = resource("/protobuf/generate_schema.py");
    Process p;
    try {
      p =
          new ProcessBuilder("python3", script.toString(), KUBECTL.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "no python3: " + e.getMessage());
      return;
    }
    String generated = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(String.join("", KubernetesSchema.parts()))
        .as(
            "KubernetesSchema.java is stale: regenerate it with "
                + "python3 skiff-api/src/test/resources/protobuf/generate_schema.py --java "
                + "skiff-api/src/main/java/io/skiff/api/codec/protobuf/KubernetesSchema.java")
        .isEqualTo(generated);
  }

  private static Path resource(String name) throws URISyntaxException {
    return new File(KubernetesSchemaTest.class.getResource(name).toURI()).toPath();
  }
}
