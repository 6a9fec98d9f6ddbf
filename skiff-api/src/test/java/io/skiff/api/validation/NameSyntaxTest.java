package io.skiff.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every string of up to five characters from an alphabet that covers each rule's classes. */
class NameSyntaxTest {

  private static final String ALPHABET = "aZ0-_./é";
  private static final int MAX_LENGTH = 5;

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(Names.DNS1123_LABEL_FMT, (Predicate<String>) NameSyntax::isDns1123Label),
        Arguments.of(
            Names.DNS1123_SUBDOMAIN_FMT, (Predicate<String>) NameSyntax::isDns1123Subdomain),
        Arguments.of(Names.DNS1035_LABEL_FMT, (Predicate<String>) NameSyntax::isDns1035Label),
        Arguments.of(Names.QUALIFIED_NAME_FMT, (Predicate<String>) NameSyntax::isQualifiedNamePart),
        Arguments.of(Names.LABEL_VALUE_FMT, (Predicate<String>) NameSyntax::isLabelValue));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void matchesExactlyWhatUpstreamsRegexMatches(String regex, Predicate<String> rule) {
    Pattern pattern = Pattern.compile(regex);
    List<String> accepted = new ArrayList<>();
    for (String s : allStrings()) {
      boolean expected = pattern.matcher(s).matches();
      assertThat(rule.test(s)).as("\"%s\" against %s", s, regex).isEqualTo(expected);
      if (expected) {
        accepted.add(s);
      }
    }
    // The alphabet must make each rule say yes as well as no.
    assertThat(accepted).hasSizeGreaterThan(10);
  }

  private static List<String> allStrings() {
    List<String> all = new ArrayList<>(List.of(""));
    int start = 0;
    for (int length = 1; length <= MAX_LENGTH; length++) {
      int end = all.size();
      for (int i = start; i < end; i++) {
        for (char c : ALPHABET.toCharArray()) {
          all.add(all.get(i) + c);
        }
      }
      start = end;
    }
    return all;
  }
}
