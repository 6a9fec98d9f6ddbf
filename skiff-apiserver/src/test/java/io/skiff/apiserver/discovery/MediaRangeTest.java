package io.skiff.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaRangeTest {

  @Test
  void parsesTypeSubtypeAndParametersOfEachClause() {
    List<MediaRange> clauses =
        MediaRange.parse(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList, application/json");
    assertThat(clauses)
        .containsExactly(
            new MediaRange(
                "application",
                "json",
                1.0,
                Map.of("g", "apidiscovery.k8s.io", "v", "v2", "as", "APIGroupDiscoveryList")),
            new MediaRange("application", "json", 1.0, Map.of()));
  }

  @Test
  void higherQualityComesFirstAndEqualQualityKeepsHeaderOrder() {
    List<MediaRange> clauses =
        MediaRange.parse("text/plain;q=0.2, application/json;q=0.9, application/yaml;q=0.9");
    assertThat(clauses).extracting(MediaRange::subType).containsExactly("json", "yaml", "plain");
  }

  @Test
  void specificTypesBeatWildcardsAsGoautonegOrdersThem() {
    assertThat(MediaRange.parse("*/*, application/*, application/json"))
        .extracting(c -> c.type() + "/" + c.subType())
        .containsExactly("application/json", "application/*", "*/*");
  }

  @Test
  void skipsClausesWithoutSubtypeButKeepsBareStar() {
    assertThat(MediaRange.parse("json, *, ,application/json"))
        .extracting(c -> c.type() + "/" + c.subType())
        .containsExactly("application/json", "*/*");
  }

  @Test
  void unparsableQualityCountsAsZero() {
    assertThat(MediaRange.parse("application/json;q=high").get(0).q()).isZero();
    assertThat(MediaRange.parse("application/json;q= 0.5").get(0).q()).isZero();
    assertThat(MediaRange.parse("application/json;q=0.5").get(0).q()).isEqualTo(0.5);
  }

  @Test
  void protobufOpenApiTypeWithAtSignParses() {
    MediaRange clause =
        MediaRange.parse("application/com.github.proto-openapi.spec.v2@v1.0+protobuf").get(0);
    assertThat(clause.matches("application", "com.github.proto-openapi.spec.v2@v1.0+protobuf"))
        .isTrue();
  }
}
