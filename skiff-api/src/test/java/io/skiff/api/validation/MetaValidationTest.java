package io.skiff.api.validation;

import static io.skiff.api.validation.Fixtures.defaulted;
import static io.skiff.api.validation.Fixtures.messages;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetaValidationTest {

  private static final String SUBDOMAIN_REGEX =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
          + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  private static OwnerReference ref(String kind, String name, String uid, Boolean controller) {
    OwnerReference r = new OwnerReference();
    r.setApiVersion("apps/v1");
    r.setKind(kind);
    r.setName(name);
    r.setUid(uid);
    r.setController(controller);
    return r;
  }

  static Stream<Arguments> metas() {
    return Stream.of(
        Arguments.of(
            "label value too long",
            (Consumer<ConfigMap>) c -> c.getMetadata().setLabels(Map.of("app", "a".repeat(64))),
            List.of(
                "metadata.labels: Invalid value: \""
                    + "a".repeat(64)
                    + "\": must be no more than 63 characters")),
        Arguments.of(
            "label key prefix",
            (Consumer<ConfigMap>) c -> c.getMetadata().setLabels(Map.of("Bad_Prefix/x", "v")),
            List.of(
                "metadata.labels: Invalid value: \"Bad_Prefix/x\": prefix part "
                    + SUBDOMAIN_REGEX)),
        Arguments.of(
            "empty label name",
            (Consumer<ConfigMap>) c -> c.getMetadata().setLabels(Map.of("example.com/", "v")),
            List.of(
                "metadata.labels: Invalid value: \"example.com/\": name part must be non-empty",
                "metadata.labels: Invalid value: \"example.com/\": name part must consist of"
                    + " alphanumeric characters, '-', '_' or '.', and must start and end with an"
                    + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used"
                    + " for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")),
        Arguments.of(
            "annotations too big",
            (Consumer<ConfigMap>)
                c -> c.getMetadata().setAnnotations(Map.of("a", "x".repeat(256 * 1024))),
            List.of("metadata.annotations: Too long: must have at most 262144 bytes")),
        Arguments.of(
            "two controllers",
            (Consumer<ConfigMap>)
                c ->
                    c.getMetadata()
                        .setOwnerReferences(
                            List.of(
                                ref("Deployment", "a", "u1", true),
                                ref("Deployment", "b", "u2", true))),
            List.of(
                "metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{"
                    + "APIVersion:\"apps/v1\", Kind:\"Deployment\", Name:\"a\", UID:\"u1\","
                    + " Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)},"
                    + " v1.OwnerReference{APIVersion:\"apps/v1\", Kind:\"Deployment\", Name:\"b\","
                    + " UID:\"u2\", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}}:"
                    + " Only one reference can have Controller set to true. Found \"true\" in references"
                    + " for Deployment/a and Deployment/b")),
        Arguments.of(
            "owner without uid",
            (Consumer<ConfigMap>)
                c ->
                    c.getMetadata().setOwnerReferences(List.of(ref("Deployment", "a", null, null))),
            List.of("metadata.ownerReferences.uid: Invalid value: \"\": must not be empty")),
        Arguments.of(
            "conflicting finalizers",
            (Consumer<ConfigMap>)
                c -> c.getMetadata().setFinalizers(List.of("orphan", "foregroundDeletion")),
            List.of(
                "metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}:"
                    + " finalizer orphan and foregroundDeletion cannot be both set")),
        Arguments.of(
            "unqualified finalizer",
            (Consumer<ConfigMap>) c -> c.getMetadata().setFinalizers(List.of("cleanup")),
            List.of(
                "metadata.finalizers[0]: Invalid value: \"cleanup\": name is neither a standard"
                    + " finalizer name nor is it fully qualified")),
        Arguments.of(
            "generate name",
            (Consumer<ConfigMap>)
                c -> {
                  c.getMetadata().setName(null);
                  c.getMetadata().setGenerateName("web-");
                },
            List.of()),
        Arguments.of(
            "bad generate name",
            (Consumer<ConfigMap>)
                c -> {
                  c.getMetadata().setName(null);
                  c.getMetadata().setGenerateName("Web-");
                },
            List.of("metadata.generateName: Invalid value: \"Web-\": " + SUBDOMAIN_REGEX)),
        Arguments.of(
            "name too long",
            (Consumer<ConfigMap>) c -> c.getMetadata().setName("a".repeat(254)),
            List.of(
                "metadata.name: Invalid value: \""
                    + "a".repeat(254)
                    + "\": must be no more than 253 characters")),
        Arguments.of(
            "negative generation",
            (Consumer<ConfigMap>) c -> c.getMetadata().setGeneration(-1L),
            List.of("metadata.generation: Invalid value: -1: must be greater than or equal to 0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("metas")
  void objectMeta(String name, Consumer<ConfigMap> mutate, List<String> expected) {
    ConfigMap cm =
        Fixtures.parse(ConfigMap.class, "{'metadata':{'name':'cm','namespace':'default'}}");
    mutate.accept(cm);
    assertThat(messages(Validator.validateCreate(cm))).containsExactlyElementsOf(expected);
  }

  @Test
  void noNewFinalizersOnceDeleting() {
    ConfigMap old =
        Fixtures.parse(
            ConfigMap.class,
            "{'metadata':{'name':'cm','namespace':'d','resourceVersion':'1','deletionTimestamp':'2024-01-01T00:00:00Z'}}");
    ConfigMap n = Fixtures.copy(old);
    n.getMetadata().setFinalizers(List.of("example.com/x"));
    assertThat(messages(Validator.validateUpdate(n, old)))
        .contains(
            "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being"
                + " deleted, found new finalizers []string{\"example.com/x\"}");
  }

  @Test
  void kindValidationComesBeforeTheRegistrysGenericChecks() {
    Deployment d =
        defaulted(Deployment.class, Fixtures.DEPLOYMENT, x -> x.getMetadata().setName("a/b"));
    assertThat(messages(Validator.validateCreate(d)))
        .containsExactly("metadata.name: Invalid value: \"a/b\": " + SUBDOMAIN_REGEX);
  }

  @Test
  void nameWarningsOnCreate() {
    Deployment d =
        defaulted(Deployment.class, Fixtures.DEPLOYMENT, x -> x.getMetadata().setName("web.v1"));
    assertThat(Validator.validateCreate(d)).isEmpty();
    assertThat(Validator.warningsOnCreate(d))
        .containsExactly(
            "metadata.name: this is used in Pod names and hostnames, which can result in surprising"
                + " behavior; a DNS label is recommended: [must not contain dots]");
    ConfigMap cm = Fixtures.parse(ConfigMap.class, "{'metadata':{'name':'a.b','namespace':'d'}}");
    assertThat(Validator.warningsOnCreate(cm)).isEmpty();
  }
}
