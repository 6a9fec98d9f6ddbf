package io.skiff.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorTest {

  private static final Map<String, String> LABELS =
      Map.of("app", "web", "tier", "frontend", "replicas", "3", "empty", "");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|true",
        "app=web|true",
        "app==web|true",
        "app=db|false",
        "app!=db|true",
        "app!=web|false",
        "missing!=x|true",
        "app in (web, db)|true",
        "app in (db)|false",
        "app notin (db,cache)|true",
        "missing notin (db)|true",
        "app|true",
        "missing|false",
        "!missing|true",
        "!app|false",
        "app=web,tier=frontend|true",
        "app=web,tier=backend|false",
        "replicas>2|true",
        "replicas<3|false",
        "empty=|true",
        "empty in (,x)|true",
        "app = web , tier in ( frontend )|true",
      })
  void labelSelectorsMatchAsUpstream(String selector, boolean matches) {
    assertThat(LabelSelector.parse(selector).matches(LABELS)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app=web,|unable to parse requirement: found end of string, expected: identifier",
        "app in ()|for 'in', 'notin' operators, values set can't be empty",
        "app in web|unable to parse requirement: found 'web', expected: '('",
        "!app=web|unable to parse requirement: found '=', expected: ',' or end of string",
        "replicas>x|for 'Gt', 'Lt' operators, the value must be an integer: \"x\"",
        "=web|unable to parse requirement: found '=', expected: identifier",
      })
  void badLabelSelectorsAreRejected(String selector, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(SelectorException.class)
        .hasMessage(message);
  }

  @Test
  void badLabelKeysAndValuesAreRejected() {
    assertThatThrownBy(() -> LabelSelector.parse("-bad=x"))
        .hasMessageStartingWith("invalid label key \"-bad\": name part must consist of");
    assertThatThrownBy(() -> LabelSelector.parse("a=-x-"))
        .hasMessageStartingWith("invalid label value: \"-x-\"");
  }

  /** Upstream's {@code labels.NewRequirement}, which node affinity terms are parsed with. */
  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app|IN|''|for 'in', 'notin' operators, values set can't be empty",
        "app|NOT_IN|''|for 'in', 'notin' operators, values set can't be empty",
        "app|EQUALS|a,b|exact-match compatibility requires one single value",
        "app|NOT_EQUALS|''|exact-match compatibility requires one single value",
        "app|EXISTS|a|values set must be empty for exists and does not exist",
        "app|DOES_NOT_EXIST|a|values set must be empty for exists and does not exist",
        "n|GREATER_THAN|1,2|for 'Gt', 'Lt' operators, exactly one value is required",
        "n|LESS_THAN|x|for 'Gt', 'Lt' operators, the value must be an integer: \"x\"",
        "-bad|EXISTS|''|invalid label key \"-bad\": name part must consist of",
        "app|IN|ok,-x-|invalid label value: \"-x-\"",
      })
  void requirementsAreCheckedAsUpstream(
      String key, LabelSelector.Operator op, String values, String message) {
    List<String> list = values.isEmpty() ? List.of() : List.of(values.split(","));
    assertThatThrownBy(() -> LabelSelector.requirement(key, op, list))
        .isInstanceOf(SelectorException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aCheckedRequirementMatches() {
    var gt =
        LabelSelector.requirement("replicas", LabelSelector.Operator.GREATER_THAN, List.of("2"));
    assertThat(gt.matches(LABELS)).isTrue();
    assertThat(gt.matches(Map.of())).isFalse();
    var in = LabelSelector.requirement("app", LabelSelector.Operator.IN, List.of("db", "web"));
    assertThat(in.matches(LABELS)).isTrue();
    assertThat(in).hasToString("app in (db,web)");
  }

  @Test
  void apiSelectorsRenderAsUpstream() {
    var api =
        new LabelSelectorBuilder()
            .addToMatchLabels("tier", "frontend")
            .addToMatchLabels("app", "web")
            .addNewMatchExpression()
            .withKey("env")
            .withOperator("In")
            .withValues("prod", "dev")
            .endMatchExpression()
            .addNewMatchExpression()
            .withKey("legacy")
            .withOperator("DoesNotExist")
            .endMatchExpression()
            .build();
    LabelSelector s = LabelSelector.of(api);
    assertThat(s).hasToString("app=web,env in (dev,prod),!legacy,tier=frontend");
    assertThat(s.matches(Map.of("app", "web", "tier", "frontend", "env", "dev"))).isTrue();
    assertThat(s.matches(Map.of("app", "web", "tier", "frontend", "env", "qa"))).isFalse();
    assertThat(LabelSelector.of(new LabelSelectorBuilder().build()).isEverything()).isTrue();
    assertThat(LabelSelector.of(null)).isNull();
    assertThat(LabelSelector.parse("b=1,a in (y,x)")).hasToString("a in (x,y),b=1");
  }

  @Test
  void fieldSelectorsMatchExactValues() {
    Map<String, String> pod =
        Map.of("metadata.name", "web-1", "spec.nodeName", "node-a", "status.phase", "Running");
    assertThat(FieldSelector.parse("metadata.name=web-1").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("metadata.name==web-1,status.phase!=Pending").matches(pod))
        .isTrue();
    assertThat(FieldSelector.parse("spec.nodeName=node-b").matches(pod)).isFalse();
    assertThat(FieldSelector.parse("spec.nodeName=").matches(Map.of())).isTrue();
    assertThat(FieldSelector.parse("").isEverything()).isTrue();
    FieldSelector escaped = FieldSelector.parse("metadata.name=a\\,b\\=c");
    assertThat(escaped.requiredValue("metadata.name")).isEqualTo("a,b=c");
    assertThat(escaped).hasToString("metadata.name=a\\,b\\=c");
  }

  @Test
  void unsupportedFieldsAndBadSyntaxAreRejected() {
    assertThatThrownBy(
            () -> FieldSelector.parse("spec.foo=x").requireFields(Set.of("metadata.name")))
        .isInstanceOf(SelectorException.class)
        .hasMessage("field label not supported: spec.foo");
    assertThatThrownBy(() -> FieldSelector.parse("metadata.name"))
        .isInstanceOf(SelectorException.class)
        .hasMessageContaining("invalid selector");
  }
}
