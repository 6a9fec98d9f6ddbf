package io.skiff.apiserver.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The machine's host name, for the serving certificate, when it is a name a client can verify. */
final class HostName {

  private static final Pattern DNS_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private HostName() {}

  /**
   * Read from the kernel on Linux: {@link InetAddress#getLocalHost()} resolves the name too, which
   * can stall start-up for seconds on a machine whose DNS does not know itself.
   */
  static Optional<String> current() {
    String name;
    try {
      name = Files.readString(Path.of("/proc/sys/kernel/hostname"));
    } catch (IOException | UnsupportedOperationException notLinux) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (IOException unknown) {
        return Optional.empty();
      }
    }
    return valid(name);
  }

  /** {@code name} in lower case if it is a DNS name, which a certificate's SAN must be. */
  static Optional<String> valid(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.length() <= 253 && DNS_NAME.matcher(n).matches() ? Optional.of(n) : Optional.empty();
  }
}
