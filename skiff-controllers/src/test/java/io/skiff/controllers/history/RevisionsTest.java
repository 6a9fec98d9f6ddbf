package io.skiff.controllers.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevisionsTest {

  static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  static StatefulSet parent() {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("ns")
        .withUid("set-uid")
        .endMetadata()
        .build();
  }

  @Test
  void theHashIsFnv1NotFnv1aOverTheRawDataThenTheDecimalProbe() {
    // The published FNV-1 32-bit vector for "a" is 0x050c5d7e (FNV-1a would be 0xe40c292c).
    assertThat(Revisions.hash("a", null))
        .isEqualTo(Revisions.safeEncode(Long.toString(0x050c5d7eL)));
    // The probe is written as decimal text after the data: hash("a", 1) is FNV-1 of "a1".
    assertThat(Revisions.hash("a", 1)).isEqualTo(Revisions.hash("a1", null));
    assertThat(Revisions.hash("a", 1)).isNotEqualTo(Revisions.hash("a", null));
  }

  @Test
  void safeEncodeMapsEveryCharacterIntoConsonantsAndDigits() {
    assertThat(Revisions.safeEncode("84696446")).isEqualTo("d8bfb88b");
    assertThat(Revisions.safeEncode("0123456789")).matches("[bcdfghjklmnpqrstvwxz2456789]{10}");
  }

  @Test
  void theDataIsTheTemplateAsAReplacingPatchWithSortedKeys() {
    String raw = Revisions.raw(template("nginx:1"));
    assertThat(raw)
        .isEqualTo(
            "{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[{\"image\":\"nginx:1\",\"name\":\"c\"}]}}}}");
  }

  @Test
  void aRevisionIsNamedAfterItsParentAndHashAndCarriesLabelsAndTheControllerReference() {
    ControllerRevision cr =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 3, 0);
    String hash = Revisions.hash(Revisions.raw(template("a")), 0);
    assertThat(cr.getMetadata().getName()).isEqualTo("web-" + hash);
    assertThat(cr.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(cr.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry(Revisions.HASH_LABEL, hash);
    assertThat(cr.getRevision()).isEqualTo(3L);
    assertThat(cr.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKind()).isEqualTo("StatefulSet");
              assertThat(r.getUid()).isEqualTo("set-uid");
              assertThat(r.getController()).isTrue();
            });
    assertThat(Revisions.template(cr)).isEqualTo(template("a"));
  }

  @Test
  void longParentNamesAreCutTo223Characters() {
    String name = Revisions.revisionName("x".repeat(300), "hash");
    assertThat(name).isEqualTo("x".repeat(223) + "-hash");
  }

  @Test
  void revisionsReadBackWithReorderedDataAreStillEqual() throws Exception {
    ControllerRevision cr =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 1, 0);
    // As the server hands it back: data parsed from JSON whose keys came in another order.
    ObjectMapper json = new ObjectMapper();
    Object reordered =
        json.readValue(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"a\"}]},"
                + "\"metadata\":{\"labels\":{\"app\":\"web\"}},\"$patch\":\"replace\"}}}",
            Object.class);
    ControllerRevision other =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("a"), 2, 0);
    other.setData(reordered);
    assertThat(Revisions.equalRevision(cr, other)).isTrue();
    ControllerRevision different =
        Revisions.newControllerRevision(parent(), "apps/v1", "StatefulSet", template("b"), 2, 0);
    assertThat(Revisions.equalRevision(cr, different)).isFalse();
    assertThat(Revisions.findEqualRevisions(List.of(different, other, cr), cr))
        .containsExactly(other, cr);
  }

  @Test
  void revisionsSortByNumberThenCreationThenName() {
    ControllerRevision a = revision("b", 2, "2024-01-01T00:00:00Z");
    ControllerRevision b = revision("a", 2, "2024-01-01T00:00:00Z");
    ControllerRevision c = revision("c", 2, "2023-01-01T00:00:00Z");
    ControllerRevision d = revision("d", 1, "2025-01-01T00:00:00Z");
    List<ControllerRevision> sorted = Revisions.sort(List.of(a, b, c, d));
    assertThat(sorted).containsExactly(d, c, b, a);
    assertThat(Revisions.nextRevision(sorted)).isEqualTo(3);
    assertThat(Revisions.nextRevision(List.of())).isEqualTo(1);
  }

  private static ControllerRevision revision(String name, long number, String created) {
    ControllerRevision r =
        Revisions.newControllerRevision(
            parent(), "apps/v1", "StatefulSet", template(name), number, 0);
    r.getMetadata().setName(name);
    r.getMetadata().setCreationTimestamp(created);
    return r;
  }
}
