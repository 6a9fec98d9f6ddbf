package io.skiff.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skiff.clock.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {

  private static final Optional<String> HOST = Optional.of("build-host.example");

  @TempDir Path root;
  private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T10:00:00Z"));

  private Path dir() {
    return root.resolve("pki");
  }

  private Pki load() throws CredentialsException {
    return Pki.loadOrCreate(dir(), clock, HOST);
  }

  @Test
  void theFirstStartMakesACaAndAServingCertificateItSigned() throws Exception {
    Pki pki = load();

    X509Certificate ca = pki.certificateAuthority();
    assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
    assertThat(ca.getSubjectX500Principal().getName()).startsWith("CN=skiff-ca@");
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getNotBefore().toInstant()).isEqualTo(clock.now().minus(Duration.ofMinutes(5)));
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(clock.now().plus(Duration.ofDays(3650)));
    ca.verify(ca.getPublicKey());

    X509Certificate leaf = pki.serving().certificate();
    leaf.verify(ca.getPublicKey());
    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=skiff-apiserver");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(clock.now().plus(Duration.ofDays(365)));
    assertThat(sans(leaf))
        .containsExactlyInAnyOrder(
            "localhost",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local",
            "build-host.example",
            "127.0.0.1",
            "0:0:0:0:0:0:0:1");
    assertThat(pki.serving().key().getAlgorithm()).isEqualTo("EC");
    assertThat(pki.certificateAuthorityPem())
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(dir().resolve("ca.crt")).hasContent(pki.certificateAuthorityPem());
  }

  @Test
  void keysAreReadableByTheirOwnerOnlyAndNoTemporaryFileRemains() throws Exception {
    load();

    assertThat(permissions(dir())).isEqualTo("rwx------");
    assertThat(permissions(dir().resolve("ca.key"))).isEqualTo("rw-------");
    assertThat(permissions(dir().resolve("apiserver.key"))).isEqualTo("rw-------");
    assertThat(permissions(dir().resolve("ca.crt"))).isEqualTo("rw-r--r--");
    assertThat(permissions(dir().resolve("apiserver.crt"))).isEqualTo("rw-r--r--");
    try (Stream<Path> files = Files.list(dir())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("ca.crt", "ca.key", "apiserver.crt", "apiserver.key");
    }
    assertThat(dir().resolve("ca.key")).content().startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void aRestartReadsTheSameCertificatesAndWritesNothing() throws Exception {
    Pki first = load();
    Map<String, byte[]> before = contents();
    clock.advance(Duration.ofDays(30));

    Pki second = load();

    assertThat(Pki.fingerprint(second.certificateAuthority()))
        .isEqualTo(Pki.fingerprint(first.certificateAuthority()));
    assertThat(second.serving().certificate()).isEqualTo(first.serving().certificate());
    assertThat(second.serving().key()).isEqualTo(first.serving().key());
    Map<String, byte[]> after = contents();
    assertThat(after).containsOnlyKeys(before.keySet());
    before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void theServingCertificateIsRenewedByTheSameCaWhenItNearsExpiry() throws Exception {
    Pki first = load();
    byte[] caKey = Files.readAllBytes(dir().resolve("ca.key"));

    clock.advance(Duration.ofDays(365 - 91));
    assertThat(load().serving().certificate()).isEqualTo(first.serving().certificate());

    clock.advance(Duration.ofDays(2));
    Pki renewed = load();

    X509Certificate leaf = renewed.serving().certificate();
    assertThat(leaf).isNotEqualTo(first.serving().certificate());
    assertThat(renewed.serving().key()).isNotEqualTo(first.serving().key());
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(clock.now().plus(Duration.ofDays(365)));
    leaf.verify(first.certificateAuthority().getPublicKey());
    assertThat(renewed.certificateAuthority()).isEqualTo(first.certificateAuthority());
    assertThat(dir().resolve("ca.key")).hasBinaryContent(caKey);
    assertThat(load().serving().certificate()).as("written, and read back").isEqualTo(leaf);
  }

  @Test
  void aServingCertificateNeverOutlivesItsCa() throws Exception {
    Pki first = load();
    clock.advance(Duration.ofDays(3650 - 100));

    X509Certificate leaf = load().serving().certificate();

    assertThat(leaf.getNotAfter()).isEqualTo(first.certificateAuthority().getNotAfter());
  }

  @Test
  void aNewHostNameGetsANewServingCertificate() throws Exception {
    Pki first = load();

    Pki moved = Pki.loadOrCreate(dir(), clock, Optional.of("new-name"));

    assertThat(sans(moved.serving().certificate()))
        .contains("new-name")
        .doesNotContain("build-host.example");
    assertThat(moved.certificateAuthority()).isEqualTo(first.certificateAuthority());
  }

  @Test
  void aKeyLeftWithoutItsCertificateByACrashIsReplaced() throws Exception {
    Pki first = load();
    Files.delete(dir().resolve("apiserver.crt"));

    Pki second = load();

    assertThat(second.serving().key()).isNotEqualTo(first.serving().key());
    second.serving().certificate().verify(first.certificateAuthority().getPublicKey());
    Files.delete(dir().resolve("ca.crt"));
    Pki third = load();
    assertThat(third.certificateAuthority()).isNotEqualTo(first.certificateAuthority());
    third.serving().certificate().verify(third.certificateAuthority().getPublicKey());
  }

  @Test
  void aCertificateWithoutItsKeyStopsStartUpNamingTheKey() throws Exception {
    load();
    Path key = dir().resolve("apiserver.key");
    Files.delete(key);

    assertThatThrownBy(this::load)
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            "cannot read " + key + ": no such file, and apiserver.crt cannot be used without it");
  }

  @Test
  void theCaKeyIsNeededOnlyToIssueACertificate() throws Exception {
    load();
    Path caKey = dir().resolve("ca.key");
    Files.delete(caKey);
    assertThat(load().serving().certificate()).isNotNull();

    Files.delete(dir().resolve("apiserver.crt"));
    assertThatThrownBy(this::load)
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            "cannot read "
                + caKey
                + ": no such file, and a new apiserver.crt cannot be issued"
                + " without it");
  }

  @Test
  void aCorruptFileStopsStartUpWithOneLineNamingIt() throws Exception {
    load();
    for (String name : List.of("ca.crt", "apiserver.crt", "apiserver.key")) {
      Path file = dir().resolve(name);
      byte[] good = Files.readAllBytes(file);
      for (String bad :
          List.of(
              "",
              "not PEM at all",
              "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
              "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
              "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")) {
        Files.writeString(file, bad);
        assertThatThrownBy(this::load)
            .as("%s holding %s", name, bad)
            .isInstanceOf(CredentialsException.class)
            .hasMessageStartingWith("cannot read " + file + ": ")
            .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
      }
      Files.write(file, good);
    }
    assertThat(load()).isNotNull();
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsStartUp() throws Exception {
    load();
    Path other = root.resolve("other");
    Pki.loadOrCreate(other, clock, HOST);
    Files.copy(
        other.resolve("apiserver.key"),
        dir().resolve("apiserver.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(this::load)
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            dir().resolve("apiserver.key")
                + " is not the key of "
                + dir().resolve("apiserver.crt")
                + "; delete both to have skiff issue a new pair");
  }

  @Test
  void aServingCertificateOfAnotherCaStopsStartUp() throws Exception {
    load();
    Path other = root.resolve("other");
    Pki.loadOrCreate(other, clock, HOST);
    for (String name : List.of("apiserver.key", "apiserver.crt")) {
      Files.copy(
          other.resolve(name),
          dir().resolve(name),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    assertThatThrownBy(this::load)
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            dir().resolve("apiserver.crt")
                + " is not signed by the certificate authority in "
                + dir().resolve("ca.crt"));
  }

  @Test
  void anExpiredCaStopsStartUpAndSaysWhatToDo() throws Exception {
    load();
    clock.advance(Duration.ofDays(3651));

    assertThatThrownBy(this::load)
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith(
            "the certificate authority in " + dir().resolve("ca.crt") + " expired on ")
        .hasMessageEndingWith("; delete " + dir() + " to have skiff make a new one");
  }

  @Test
  void theHostNameIsUsedOnlyWhenItIsADnsName() {
    assertThat(HostName.valid("My-Laptop.local\n")).contains("my-laptop.local");
    assertThat(HostName.valid("under_score")).isEmpty();
    assertThat(HostName.valid("-leading")).isEmpty();
    assertThat(HostName.valid("")).isEmpty();
    HostName.current().ifPresent(n -> assertThat(HostName.valid(n)).contains(n));
  }

  private static List<String> sans(X509Certificate c) throws Exception {
    List<String> names = new ArrayList<>();
    c.getSubjectAlternativeNames().forEach(san -> names.add(String.valueOf(san.get(1))));
    return names;
  }

  private static String permissions(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private Map<String, byte[]> contents() throws Exception {
    Map<String, byte[]> out = new HashMap<>();
    try (Stream<Path> files = Files.list(dir())) {
      for (Path f : files.toList()) {
        out.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return out;
  }
}
