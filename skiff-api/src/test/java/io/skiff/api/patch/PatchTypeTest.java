package io.skiff.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PatchTypeTest {

  @Test
  void contentTypesMatchExactlyIgnoringParameters() {
    assertThat(PatchType.fromContentType("application/strategic-merge-patch+json; charset=utf-8"))
        .contains(PatchType.STRATEGIC_MERGE_PATCH);
    assertThat(PatchType.fromContentType("application/json-patch+json"))
        .contains(PatchType.JSON_PATCH);
    assertThat(PatchType.fromContentType("application/json")).isEmpty();
    assertThat(PatchType.fromContentType(null)).isEmpty();
  }
}
