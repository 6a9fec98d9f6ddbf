package io.skiff.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The apply-direction cases of upstream's strategicpatch tests, on their MergeItem type. */
class StrategicMergePatchUpstreamTest {

  /** Upstream's {@code MergeItem} test struct tags. */
  static final PatchSchema MERGE_ITEM =
      TypeGraph.parse(
              """
              MergeItem.mergingList                MergeItem[]          merge             name
              MergeItem.nonMergingList             MergeItem[]
              MergeItem.mergingIntList             int[]                merge
              MergeItem.nonMergingIntList          int[]
              MergeItem.mergeItemPtr               MergeItem[]          merge             name
              MergeItem.replacingItem              RawExtension         replace
              MergeItem.retainKeysMap              RetainKeysMergeItem  retainKeys
              MergeItem.retainKeysMergingList      MergeItem[]          merge,retainKeys  name
              RetainKeysMergeItem.mergingIntList   int[]                merge
              RetainKeysMergeItem.mergingList      MergeItem[]          merge             name
              RetainKeysMergeItem.nonMergingList   MergeItem[]
              """)
          .schema("MergeItem");

  static Stream<Arguments> cases() {
    return PatchCases.load("smp-upstream.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesAsUpstream(JsonNode c) {
    JsonNode original = c.get("original");
    JsonNode before = original.deepCopy();
    if (c.has("error")) {
      PatchException e =
          catchThrowableOfType(
              PatchException.class,
              () -> StrategicMergePatch.apply(original, c.get("patch"), MERGE_ITEM));
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains(c.get("error").asText());
      assertThat(e.code()).isEqualTo(c.get("code").asInt());
    } else {
      JsonNode result = StrategicMergePatch.apply(original, c.get("patch"), MERGE_ITEM);
      assertThat(result).isEqualTo(c.get("result"));
      PatchCases.assertNoDirectives(result);
    }
    assertThat(original).isEqualTo(before);
  }
}
