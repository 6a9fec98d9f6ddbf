package io.skiff.apiserver.auth;

/**
 * A credentials file (certificate, key, token) cannot be read, written or used. The message is one
 * line that names the file and says what is wrong with it, fit to show a user as it is.
 */
public final class CredentialsException extends Exception {

  CredentialsException(String message) {
    super(message);
  }

  CredentialsException(String message, Throwable cause) {
    super(message, cause);
  }
}
