package io.skiff.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.skiff.api.validation.Quantities;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PVC capacity cell prints quantities as upstream's canonical form. */
class CanonicalQuantityTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "1Gi, 1Gi",
    "1024Mi, 1Gi",
    "1536Mi, 1536Mi",
    "1.5Gi, 1536Mi",
    "500Mi, 500Mi",
    "100Ki, 100Ki",
    "0.5Ki, 512",
    "0.5, 500m",
    "1000, 1k",
    "1500, 1500",
    "1.5G, 1500M",
    "10G, 10G",
    "512, 512",
    "0, 0",
    "0Gi, 0",
    "1e3, 1e3",
    "100m, 100m",
  })
  void canonicalFormAsUpstream(String given, String canonical) {
    assertThat(Quantities.parse(new Quantity(given)).map(Quantities::canonical))
        .contains(canonical);
  }
}
