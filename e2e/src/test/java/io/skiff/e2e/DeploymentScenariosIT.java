package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenarios S1, S3, S4, S5, S6, S7 and S9 of SCENARIOS.md: Deployments as the seed articles drive
 * them, with the real kubectl. Each test works in a namespace of its own.
 */
class DeploymentScenariosIT {

  /** Short simulated pulls and shutdowns: rollouts take seconds, not minutes. */
  @RegisterExtension
  static final SkiffExtension skiff =
      new SkiffExtension().withArgs("--image-pull-time", "200ms", "--pod-shutdown-time", "200ms");

  private static final Pattern HASH = Pattern.compile("[bcdfghjklmnpqrstvwxz2456789]{1,10}");

  private static Kubectl namespace(String version, String scenario) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = scenario + "-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    return kubectl;
  }

  private static String ns(String version, String scenario) {
    return scenario + "-" + version.replace(".", "");
  }

  static String deployment(String name, int replicas, String image, String extraSpec) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
        spec:
          replicas: %d
          selector:
            matchLabels:
              app: %s
        %s
          template:
            metadata:
              labels:
                app: %s
            spec:
              containers:
              - name: nginx
                image: %s
        """
        .formatted(name, replicas, name, extraSpec.indent(2).stripTrailing(), name, image);
  }

  /** Column values of {@code kubectl get deploy NAME} (no headers). */
  private static List<String> row(Kubectl kubectl, String ns, String kind, String name) {
    String line = kubectl.output("get", kind, name, "-n", ns, "--no-headers");
    return List.of(line.trim().split("\\s+"));
  }

  private static void awaitRolledOut(Kubectl kubectl, String ns, String name) {
    String out =
        kubectl.output("rollout", "status", "deployment/" + name, "-n", ns, "--timeout=120s");
    assertThat(out).contains("deployment \"" + name + "\" successfully rolled out");
  }

  // ---- S1 ----

  @ForEachKubectl
  void s1CreateRollsOutWithUpstreamNamesAndDescribe(String version) {
    Kubectl kubectl = namespace(version, "s1");
    String ns = ns(version, "s1");
    kubectl
        .withStdin(deployment("nginx-deployment", 3, "nginx:1.14.2", ""))
        .output("create", "-f", "-", "-n", ns);

    awaitRolledOut(kubectl, ns, "nginx-deployment");

    String table = kubectl.output("get", "deployments", "-n", ns);
    assertThat(table.lines().findFirst().orElseThrow())
        .matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
    assertThat(row(kubectl, ns, "deployment", "nginx-deployment").subList(0, 4))
        .containsExactly("nginx-deployment", "3/3", "3", "3");
    String wide = kubectl.output("get", "deployment", "nginx-deployment", "-n", ns, "-o", "wide");
    assertThat(wide.lines().findFirst().orElseThrow())
        .matches(
            "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR");
    assertThat(wide).contains("nginx:1.14.2").contains("app=nginx-deployment");

    JsonNode sets = kubectl.json("get", "rs", "-n", ns);
    assertThat(sets.path("items")).hasSize(1);
    String rs = sets.at("/items/0/metadata/name").asText();
    String hash = sets.at("/items/0/metadata/labels/pod-template-hash").asText();
    assertThat(HASH.matcher(hash).matches()).as(hash).isTrue();
    assertThat(rs).isEqualTo("nginx-deployment-" + hash);
    JsonNode pods = kubectl.json("get", "pods", "-n", ns);
    assertThat(pods.path("items")).hasSize(3);
    for (JsonNode pod : pods.path("items")) {
      assertThat(pod.at("/metadata/name").asText()).matches(Pattern.quote(rs) + "-[a-z0-9]{5}");
      assertThat(pod.at("/metadata/labels/pod-template-hash").asText()).isEqualTo(hash);
    }

    String describe = kubectl.output("describe", "deployment", "nginx-deployment", "-n", ns);
    assertThat(describe)
        .containsPattern("StrategyType:\\s+RollingUpdate")
        .containsPattern("RollingUpdateStrategy:\\s+25% max unavailable, 25% max surge")
        .containsPattern("Available\\s+True\\s+MinimumReplicasAvailable")
        .containsPattern("Progressing\\s+True\\s+NewReplicaSetAvailable")
        .containsPattern("NewReplicaSet:\\s+" + Pattern.quote(rs) + " \\(3/3 replicas created\\)")
        .containsPattern(
            "ScalingReplicaSet\\s+.*deployment-controller\\s+Scaled up replica set "
                + Pattern.quote(rs)
                + " to 3");
  }

  // ---- S3 ----

  private static List<String> revisions(Kubectl kubectl, String ns, String name) {
    List<String> revs = new ArrayList<>();
    String out = kubectl.output("rollout", "history", "deployment/" + name, "-n", ns);
    for (String line : out.lines().toList()) {
      if (line.matches("\\d+\\s+.*") || line.matches("\\d+")) {
        revs.add(line.trim().split("\\s+")[0]);
      }
    }
    return revs;
  }

  @ForEachKubectl
  void s3RevisionsRenumberWhenATemplateComesBack(String version) {
    Kubectl kubectl = namespace(version, "s3");
    String ns = ns(version, "s3");
    kubectl
        .withStdin(deployment("pc-deployment", 3, "nginx:1.14", ""))
        .output("create", "-f", "-", "-n", ns, "--record");
    awaitRolledOut(kubectl, ns, "pc-deployment");
    kubectl.output("set", "image", "deployment/pc-deployment", "nginx=nginx:1.15", "-n", ns);
    awaitRolledOut(kubectl, ns, "pc-deployment");
    assertThat(revisions(kubectl, ns, "pc-deployment")).containsExactly("1", "2");

    kubectl.output("set", "image", "deployment/pc-deployment", "nginx=nginx:1.14", "-n", ns);
    awaitRolledOut(kubectl, ns, "pc-deployment");
    assertThat(revisions(kubectl, ns, "pc-deployment")).containsExactly("2", "3");

    kubectl.output("set", "image", "deployment/pc-deployment", "nginx=nginx:1.15", "-n", ns);
    awaitRolledOut(kubectl, ns, "pc-deployment");
    assertThat(revisions(kubectl, ns, "pc-deployment")).containsExactly("3", "4");
    String history = kubectl.output("rollout", "history", "deployment/pc-deployment", "-n", ns);
    assertThat(history).contains("REVISION").contains("CHANGE-CAUSE").contains("--record=true");

    assertThat(
            kubectl.output(
                "rollout", "undo", "deployment/pc-deployment", "--to-revision=3", "-n", ns))
        .contains("rolled back");
    awaitRolledOut(kubectl, ns, "pc-deployment");
    assertThat(revisions(kubectl, ns, "pc-deployment")).containsExactly("4", "5");
    assertThat(
            kubectl.output(
                "get",
                "deployment",
                "pc-deployment",
                "-n",
                ns,
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}"))
        .isEqualTo("nginx:1.14");
    assertThat(
            kubectl.output(
                "rollout", "history", "deployment/pc-deployment", "--revision=4", "-n", ns))
        .contains("nginx:1.15");

    kubectl.output("rollout", "undo", "deployment/pc-deployment", "-n", ns);
    awaitRolledOut(kubectl, ns, "pc-deployment");
    assertThat(
            kubectl.output(
                "get",
                "deployment",
                "pc-deployment",
                "-n",
                ns,
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}"))
        .isEqualTo("nginx:1.15");
  }

  // ---- S4 ----

  @ForEachKubectl
  void s4CanaryByPauseAddsOnePodAndWaits(String version) {
    Kubectl kubectl = namespace(version, "s4");
    String ns = ns(version, "s4");
    // New pods take three seconds to turn ready, so that the pause lands before the first new pod
    // is ready, as in the article; with instant pods the rollout would outrun the pause.
    kubectl
        .withStdin(
            deployment("canary", 5, "nginx:1.14", "")
                .replace(
                    "        image: nginx:1.14\n",
                    "        image: nginx:1.14\n"
                        + "        readinessProbe:\n"
                        + "          httpGet:\n"
                        + "            path: /\n"
                        + "            port: 80\n"
                        + "          initialDelaySeconds: 3\n"))
        .output("create", "-f", "-", "-n", ns);
    awaitRolledOut(kubectl, ns, "canary");
    kubectl.output(
        "patch",
        "deployment",
        "canary",
        "-n",
        ns,
        "-p",
        "{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}}}}");

    kubectl.output("set", "image", "deployment/canary", "nginx=nginx:1.15", "-n", ns);
    kubectl.output("rollout", "pause", "deployment/canary", "-n", ns);

    // One new pod, ready beside the five old ones, and nothing more while paused.
    kubectl.awaitOutput(
        out -> out.trim().split("\\s+").length > 3 && out.trim().split("\\s+")[1].equals("6/5"),
        "get",
        "deployment",
        "canary",
        "-n",
        ns,
        "--no-headers");
    assertThat(row(kubectl, ns, "deployment", "canary").subList(1, 4))
        .containsExactly("6/5", "1", "6");
    assertThat(kubectl.output("rollout", "status", "deployment/canary", "-n", ns, "--watch=false"))
        .contains(
            "Waiting for deployment \"canary\" rollout to finish: 1 out of 5 new replicas have"
                + " been updated...");
    assertThat(
            kubectl.run("rollout", "undo", "deployment/canary", "-n", ns).assertFailure().stderr())
        .contains("you cannot rollback a paused deployment; resume it first");

    kubectl.output("rollout", "resume", "deployment/canary", "-n", ns);
    awaitRolledOut(kubectl, ns, "canary");
    assertThat(row(kubectl, ns, "deployment", "canary").subList(1, 4))
        .containsExactly("5/5", "5", "5");
  }

  // ---- S5 ----

  @ForEachKubectl
  void s5PausedChangesBecomeOneRevision(String version) {
    Kubectl kubectl = namespace(version, "s5");
    String ns = ns(version, "s5");
    kubectl
        .withStdin(deployment("batch", 2, "nginx:1.14", ""))
        .output("create", "-f", "-", "-n", ns);
    awaitRolledOut(kubectl, ns, "batch");
    kubectl.output("rollout", "pause", "deployment/batch", "-n", ns);

    kubectl.output("set", "image", "deployment/batch", "nginx=nginx:1.15", "-n", ns);
    kubectl.output("set", "image", "deployment/batch", "nginx=nginx:1.16", "-n", ns);
    kubectl.output(
        "set",
        "resources",
        "deployment/batch",
        "-c=nginx",
        "--limits=cpu=200m,memory=512Mi",
        "-n",
        ns);
    assertThat(revisions(kubectl, ns, "batch")).containsExactly("1");
    assertThat(kubectl.json("get", "rs", "-n", ns).path("items")).hasSize(1);

    kubectl.output("rollout", "resume", "deployment/batch", "-n", ns);
    awaitRolledOut(kubectl, ns, "batch");
    assertThat(revisions(kubectl, ns, "batch")).containsExactly("1", "2");
    assertThat(kubectl.json("get", "rs", "-n", ns).path("items")).hasSize(2);
  }

  // ---- S6 ----

  @ForEachKubectl
  void s6AMissingImageStallsUntilTheDeadlineAndUndoRecovers(String version) {
    Kubectl kubectl = namespace(version, "s6");
    String ns = ns(version, "s6");
    kubectl
        .withStdin(deployment("bad", 3, "nginx:1.23.1", "progressDeadlineSeconds: 10"))
        .output("create", "-f", "-", "-n", ns);
    awaitRolledOut(kubectl, ns, "bad");

    kubectl.output("set", "image", "deployment/bad", "nginx=nginx:1.231", "-n", ns);

    kubectl.awaitOutput(
        out -> out.contains("ErrImagePull") || out.contains("ImagePullBackOff"),
        "get",
        "pods",
        "-n",
        ns);
    Kubectl.Result stalled =
        kubectl.run("rollout", "status", "deployment/bad", "-n", ns, "--timeout=60s");
    assertThat(stalled.exitCode()).isNotZero();
    assertThat(stalled.stdout())
        .contains(
            "Waiting for deployment \"bad\" rollout to finish: 1 out of 3 new replicas have been"
                + " updated...");
    assertThat(stalled.stderr()).contains("deployment \"bad\" exceeded its progress deadline");
    JsonNode progressing =
        kubectl.awaitJson(
            d -> {
              for (JsonNode c : d.at("/status/conditions")) {
                if (c.path("type").asText().equals("Progressing")) {
                  return c.path("reason").asText().equals("ProgressDeadlineExceeded");
                }
              }
              return false;
            },
            "get",
            "deployment",
            "bad",
            "-n",
            ns);
    assertThat(progressing.at("/status/availableReplicas").asInt()).isGreaterThanOrEqualTo(2);

    kubectl.output("rollout", "undo", "deployment/bad", "-n", ns);
    awaitRolledOut(kubectl, ns, "bad");
    assertThat(row(kubectl, ns, "deployment", "bad").subList(1, 4))
        .containsExactly("3/3", "3", "3");
  }

  // ---- S7 ----

  @ForEachKubectl
  void s7SelectorMismatchIsRefusedAndRolloverSkipsTheIntermediateSet(String version) {
    Kubectl kubectl = namespace(version, "s7");
    String ns = ns(version, "s7");
    String mismatched =
        deployment("wrong", 1, "nginx", "")
            .replace("      labels:\n        app: wrong", "      labels:\n        app: other");
    Kubectl.Result refused = kubectl.withStdin(mismatched).run("create", "-f", "-", "-n", ns);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("`selector` does not match template `labels`");

    kubectl
        .withStdin(deployment("roll", 4, "nginx:1.14", ""))
        .output("create", "-f", "-", "-n", ns);
    awaitRolledOut(kubectl, ns, "roll");
    kubectl.output("set", "image", "deployment/roll", "nginx=nginx:1.15", "-n", ns);
    kubectl.output("set", "image", "deployment/roll", "nginx=nginx:1.16", "-n", ns);
    awaitRolledOut(kubectl, ns, "roll");

    JsonNode sets = kubectl.json("get", "rs", "-n", ns);
    assertThat(sets.path("items")).hasSize(3);
    for (JsonNode rs : sets.path("items")) {
      String image = rs.at("/spec/template/spec/containers/0/image").asText();
      assertThat(rs.at("/spec/replicas").asInt())
          .as(image)
          .isEqualTo(image.equals("nginx:1.16") ? 4 : 0);
    }
  }

  // ---- S9 ----

  @ForEachKubectl
  void s9RecreateRemovesEveryOldPodBeforeTheFirstNewOne(String version)
      throws IOException, InterruptedException {
    Kubectl kubectl = namespace(version, "s9");
    String ns = ns(version, "s9");
    kubectl
        .withStdin(deployment("recreate", 3, "nginx:1.14", "strategy:\n  type: Recreate"))
        .output("create", "-f", "-", "-n", ns);
    awaitRolledOut(kubectl, ns, "recreate");
    String oldRs = kubectl.json("get", "rs", "-n", ns).at("/items/0/metadata/name").asText();

    Path out = Files.createTempFile(skiff.process().dataDir(), "pods-", ".txt");
    Process watch =
        new ProcessBuilder(
                List.of(
                    kubectl.binary().toString(),
                    "--kubeconfig",
                    skiff.process().kubeconfig().toString(),
                    "get",
                    "pods",
                    "-n",
                    ns,
                    "--watch",
                    "--output-watch-events",
                    "-o",
                    "custom-columns=EVENT:.type,NAME:.object.metadata.name"))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      kubectl.output("set", "image", "deployment/recreate", "nginx=nginx:1.15", "-n", ns);
      awaitRolledOut(kubectl, ns, "recreate");
    } finally {
      watch.toHandle().destroyForcibly();
      watch.waitFor();
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    int lastOldDeleted = -1;
    int firstNewAdded = Integer.MAX_VALUE;
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      if (f.length < 2) {
        continue;
      }
      if (f[0].equals("DELETED") && f[1].startsWith(oldRs + "-")) {
        lastOldDeleted = i;
      }
      if (f[0].equals("ADDED") && f[1].startsWith("recreate-") && !f[1].startsWith(oldRs + "-")) {
        firstNewAdded = Math.min(firstNewAdded, i);
      }
    }
    assertThat(lastOldDeleted).as(String.join("\n", lines)).isGreaterThanOrEqualTo(0);
    assertThat(firstNewAdded).as(String.join("\n", lines)).isGreaterThan(lastOldDeleted);
  }
}
