package io.skiff.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldErrorTest {

  static Stream<Arguments> errors() {
    FieldPath p = FieldPath.of("spec", "x");
    return Stream.of(
        Arguments.of(
            FieldError.invalid(p, "a\"b", "bad"), "spec.x: Invalid value: \"a\\\"b\": bad"),
        Arguments.of(FieldError.invalid(p, 5, "d"), "spec.x: Invalid value: 5: d"),
        Arguments.of(FieldError.invalid(p, 5L, ""), "spec.x: Invalid value: 5"),
        Arguments.of(FieldError.invalid(p, true, "d"), "spec.x: Invalid value: true: d"),
        Arguments.of(FieldError.invalid(p, null, "d"), "spec.x: Invalid value: null: d"),
        Arguments.of(FieldError.required(p, ""), "spec.x: Required value"),
        Arguments.of(FieldError.required(p, "why"), "spec.x: Required value: why"),
        Arguments.of(FieldError.forbidden(p, "no"), "spec.x: Forbidden: no"),
        Arguments.of(FieldError.duplicate(p, "a"), "spec.x: Duplicate value: \"a\""),
        Arguments.of(FieldError.notFound(p, "v"), "spec.x: Not found: \"v\""),
        Arguments.of(
            FieldError.notSupported(p, "Foo", List.of("Always", "Never")),
            "spec.x: Unsupported value: \"Foo\": supported values: \"Always\", \"Never\""),
        Arguments.of(
            FieldError.tooLong(p, 262144), "spec.x: Too long: must have at most 262144 bytes"),
        Arguments.of(FieldError.tooMany(p, 5, 3), "spec.x: Too many: 5: must have at most 3 items"),
        Arguments.of(FieldError.tooMany(p, -1, 3), "spec.x: Too many: must have at most 3 items"),
        Arguments.of(FieldError.internal(p, "boom"), "spec.x: Internal error: boom"));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void rendersLikeUpstream(FieldError e, String expected) {
    assertThat(e.toString()).isEqualTo(expected);
    assertThat(e.body()).isEqualTo(expected.substring("spec.x: ".length()));
    assertThat(e.field()).isEqualTo("spec.x");
  }

  @Test
  void reasonsAreTheStatusCauseTypes() {
    assertThat(Stream.of(ErrorType.values()).map(ErrorType::reason))
        .containsExactly(
            "FieldValueNotFound",
            "FieldValueRequired",
            "FieldValueDuplicate",
            "FieldValueInvalid",
            "FieldValueNotSupported",
            "FieldValueForbidden",
            "FieldValueTooLong",
            "FieldValueTooMany",
            "InternalError");
    assertThat(FieldError.required(FieldPath.of("a"), "").reason()).isEqualTo("FieldValueRequired");
  }

  @Test
  void pathsPrintIndexesAndKeysInBrackets() {
    assertThat(FieldPath.of("spec", "template", "spec").child("containers").index(0).child("image"))
        .hasToString("spec.template.spec.containers[0].image");
    assertThat(FieldPath.of("metadata").child("labels").key("app"))
        .hasToString("metadata.labels[app]");
    assertThat(FieldPath.of("spec").child("resources").key("storage"))
        .hasToString("spec.resources[storage]");
    assertThat(FieldPath.of("")).hasToString("[]");
  }

  @Test
  void goValues() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("tier", "web");
    m.put("app", "y");
    assertThat(GoValueFormatter.render(GoValueFormatter.stringMap(m)))
        .isEqualTo("map[string]string{\"app\":\"y\", \"tier\":\"web\"}");
    assertThat(GoValueFormatter.render(GoValueFormatter.stringMap(Map.of())))
        .isEqualTo("map[string]string(nil)");
    assertThat(GoValueFormatter.render(GoValueFormatter.intOrString(new IntOrString(0))))
        .isEqualTo("intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}");
    assertThat(GoValueFormatter.render(GoValueFormatter.intOrString(new IntOrString("50%"))))
        .isEqualTo("intstr.IntOrString{Type:1, IntVal:0, StrVal:\"50%\"}");
    assertThat(
            GoValueFormatter.render(
                GoValueFormatter.labelSelector(
                    new LabelSelectorBuilder().addToMatchLabels("app", "x").build())))
        .isEqualTo(
            "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\"},"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}");
    assertThat(
            GoValueFormatter.render(
                GoValueFormatter.labelSelector(
                    new LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("tier")
                        .withOperator("In")
                        .withValues("a", "b")
                        .endMatchExpression()
                        .build())))
        .isEqualTo(
            "v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{"
                + "Key:\"tier\", Operator:\"In\", Values:[]string{\"a\", \"b\"}}}}");
  }

  @Test
  void quotesLikeGo() {
    assertThat(GoValueFormatter.quote("a\tb\n\u0001é\\")).isEqualTo("\"a\\tb\\n\\x01é\\\\\"");
  }

  @Test
  void aggregateMessage() {
    FieldError a = FieldError.required(FieldPath.of("spec", "selector"), "");
    FieldError b =
        FieldError.invalid(
            FieldPath.of("spec", "replicas"), -1L, "must be greater than or equal to 0");
    assertThat(ValidationException.message("Deployment", "apps", "web", List.of(a)))
        .isEqualTo("Deployment.apps \"web\" is invalid: spec.selector: Required value");
    assertThat(ValidationException.message("Deployment", "apps", "web", List.of(a, b, a)))
        .isEqualTo(
            "Deployment.apps \"web\" is invalid: [spec.selector: Required value,"
                + " spec.replicas: Invalid value: -1: must be greater than or equal to 0]");
    assertThat(ValidationException.message("Pod", "", "p", List.of(a)))
        .isEqualTo("Pod \"p\" is invalid: spec.selector: Required value");
    ValidationException ex = new ValidationException("Pod", "", "p", List.of(a, a));
    assertThat(ex.errors()).hasSize(2);
    assertThat(ex.qualifiedKind()).isEqualTo("Pod");
    assertThat(ex.getMessage()).isEqualTo("Pod \"p\" is invalid: spec.selector: Required value");
    assertThatThrownBy(() -> new ValidationException("Pod", "", "p", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
