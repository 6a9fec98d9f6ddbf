package io.skiff.cli;

/**
 * Start-up of {@code skiff up} failed for a reason the user can act on. The message is the whole
 * story, printed as one line; the cause is shown only with {@code --verbose}.
 */
final class StartupException extends Exception {

  StartupException(String message) {
    super(message);
  }

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
