package io.skiff.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionInfoTest {

  @Test
  void currentDescribesThisBuild() {
    VersionInfo v = VersionInfo.current();
    assertThat(v.major()).isEqualTo("1");
    assertThat(v.minor()).isEqualTo("33");
    assertThat(v.gitVersion()).isEqualTo("v1.33.0-skiff");
    assertThat(v.compiler()).isEqualTo("skiff");
    // Maven stamps these; "unknown" only outside a git checkout.
    assertThat(v.gitCommit()).matches("[0-9a-f]{40}|unknown");
    assertThat(v.buildDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(VersionInfo.skiffVersion()).isNotBlank().doesNotContain("${");
  }

  @Test
  void platformUsesGoNames() {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    try {
      System.setProperty("os.name", "Linux");
      System.setProperty("os.arch", "amd64");
      assertThat(VersionInfo.currentPlatform()).isEqualTo("linux/amd64");
      System.setProperty("os.name", "Mac OS X");
      System.setProperty("os.arch", "aarch64");
      assertThat(VersionInfo.currentPlatform()).isEqualTo("darwin/arm64");
    } finally {
      System.setProperty("os.name", os);
      System.setProperty("os.arch", arch);
    }
  }
}
