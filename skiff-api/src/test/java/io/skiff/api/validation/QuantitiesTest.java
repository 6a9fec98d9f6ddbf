package io.skiff.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  @ParameterizedTest
  @CsvSource({
    "1.5, 1500m",
    "0.5, 500m",
    "1000m, 1",
    "100m, 100m",
    "2, 2",
    "2000, 2k",
    "1500, 1500",
    "1.5Gi, 1536Mi",
    "1024Mi, 1Gi",
    "100Mi, 100Mi",
    "0.5Ki, 512",
    "1Ki, 1Ki",
    "129M, 129M",
    "1e3, 1e3",
    "0, 0",
    "0.0001, 1m",
    "128974848, 128974848",
  })
  void canonicalFormAsStored(String in, String out) {
    assertThat(Quantities.parse(in).map(Quantities::canonicalMilli)).contains(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.2.3", "5Zi", "--1"})
  void rejectsWhatUpstreamCannotParse(String in) {
    assertThat(Quantities.parse(in)).isEmpty();
  }
}
