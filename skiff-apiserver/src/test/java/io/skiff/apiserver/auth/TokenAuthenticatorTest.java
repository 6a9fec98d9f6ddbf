package io.skiff.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.apiserver.auth.TokenAuthenticator.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenAuthenticatorTest {

  private final TokenAuthenticator tokens = TokenAuthenticator.of("s3cret", "other-token");

  @ParameterizedTest(name = "[{0}] is {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL                        | ANONYMOUS",
        "''                          | ANONYMOUS",
        "Basic dXNlcjpwYXNz          | ANONYMOUS",
        "Bearer                      | ANONYMOUS",
        // Two spaces: upstream splits on single spaces, so the token is the empty word.
        "Bearer  s3cret              | ANONYMOUS",
        "Bearer s3cret               | AUTHENTICATED",
        "bearer s3cret               | AUTHENTICATED",
        "BEARER other-token          | AUTHENTICATED",
        "'  Bearer s3cret  '         | AUTHENTICATED",
        "Bearer s3cret trailing words| AUTHENTICATED",
        "Bearer s3cre                | INVALID",
        "Bearer s3cret2              | INVALID",
        "Bearer S3CRET               | INVALID",
      })
  void readsTheAuthorizationHeaderAsUpstream(String header, Outcome expected) {
    assertThat(tokens.authenticate(header)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"'with space'", "'tab\tinside'", "'nön-ascii'", "''"})
  void aTokenMustBeOneWordOfVisibleAscii(String token) {
    assertThat(TokenAuthenticator.isValidToken(token)).isFalse();
    assertThatThrownBy(() -> TokenAuthenticator.of(token))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
