package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl delete} of owners and namespaces, carried out by the garbage collector and the
 * namespace controller that {@code skiff up} runs: {@code --cascade=orphan} leaves ownerless pods,
 * deleting a Deployment (in the background or the foreground) removes its ReplicaSets and pods, and
 * {@code kubectl delete namespace} returns once the namespace is emptied and gone.
 *
 * <p>Until the workload controllers run in {@code skiff up}, the ReplicaSets and pods are made by
 * the test with the owner references those controllers would set; once they run, the test uses
 * theirs.
 */
class KubectlDeletionIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  /** How long to wait for a workload controller to make an object before making it by hand. */
  private static final Duration CONTROLLER_GRACE = Duration.ofSeconds(5);

  private static String ns(String prefix, String version) {
    return prefix + "-" + version.replace(".", "-");
  }

  private static String uid(Kubectl kubectl, String ns, String resource) {
    return kubectl.output("get", resource, "-n", ns, "-o", "jsonpath={.metadata.uid}");
  }

  private static String ownerRef(String apiVersion, String kind, String name, String uid) {
    return """
          ownerReferences:
          - apiVersion: %s
            kind: %s
            name: %s
            uid: %s
            controller: true
            blockOwnerDeletion: true
        """
        .formatted(apiVersion, kind, name, uid);
  }

  private static String deployment(String name) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
        spec:
          replicas: 2
          selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              containers:
              - name: c
                image: nginx
        """
        .formatted(name);
  }

  private static String replicaSet(String name, String app, String owner) {
    return """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: %1$s
        %3$s
        spec:
          replicas: 2
          selector:
            matchLabels: {app: %2$s}
          template:
            metadata:
              labels: {app: %2$s}
            spec:
              containers:
              - name: c
                image: nginx
        """
        .formatted(name, app, owner);
  }

  private static String pod(String name, String app, String owner) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %1$s
          labels: {app: %2$s}
        %3$s
        spec:
          containers:
          - name: c
            image: nginx
        """
        .formatted(name, app, owner);
  }

  /** The names of {@code resource} objects in {@code ns} labelled {@code app}. */
  private static List<String> names(Kubectl kubectl, String ns, String resource, String app) {
    JsonNode list = kubectl.json("get", resource, "-n", ns, "-l", "app=" + app);
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
    return names;
  }

  /** Whether a workload controller made {@code resource} objects for {@code app} in time. */
  private static boolean controllerMade(Kubectl kubectl, String ns, String resource, String app) {
    try {
      Awaitility.await()
          .atMost(CONTROLLER_GRACE)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !names(kubectl, ns, resource, app).isEmpty());
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  /** Two pods owned by the ReplicaSet {@code rs}, unless its controller made them. */
  private static void podsOf(Kubectl kubectl, String ns, String rs, String app) {
    if (controllerMade(kubectl, ns, "pods", app)) {
      return;
    }
    String owner = ownerRef("apps/v1", "ReplicaSet", rs, uid(kubectl, ns, "rs/" + rs));
    for (String p : List.of(rs + "-a", rs + "-b")) {
      kubectl.withStdin(pod(p, app, owner)).run("create", "-n", ns, "-f", "-").assertSuccess();
    }
  }

  /** A Deployment with a ReplicaSet and two pods under it, by its controllers or by hand. */
  private static void deploymentWithReplicaSetAndPods(Kubectl kubectl, String ns, String name) {
    kubectl.withStdin(deployment(name)).run("create", "-n", ns, "-f", "-").assertSuccess();
    String rs;
    if (controllerMade(kubectl, ns, "rs", name)) {
      rs = names(kubectl, ns, "rs", name).getFirst();
    } else {
      rs = name + "-1";
      String owner = ownerRef("apps/v1", "Deployment", name, uid(kubectl, ns, "deploy/" + name));
      kubectl
          .withStdin(replicaSet(rs, name, owner))
          .run("create", "-n", ns, "-f", "-")
          .assertSuccess();
    }
    podsOf(kubectl, ns, rs, name);
  }

  @ForEachKubectl
  void orphanLeavesThePodsWithoutTheirReplicaSet(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns("orphan", version);
    kubectl.run("create", "namespace", ns).assertSuccess();
    kubectl
        .withStdin(replicaSet("web", "web", ""))
        .run("create", "-n", ns, "-f", "-")
        .assertSuccess();
    podsOf(kubectl, ns, "web", "web");

    assertThat(
            kubectl
                .run("delete", "rs", "web", "-n", ns, "--cascade=orphan")
                .assertSuccess()
                .stdout())
        .contains("replicaset.apps \"web\" deleted");

    assertThat(kubectl.run("get", "rs", "web", "-n", ns).assertFailure().stderr())
        .contains("replicasets.apps \"web\" not found");
    List<String> pods = names(kubectl, ns, "pods", "web");
    assertThat(pods).isNotEmpty();
    for (String p : pods) {
      assertThat(kubectl.json("get", "pod", p, "-n", ns).at("/metadata/ownerReferences"))
          .as("owner references of %s", p)
          .isEmpty();
    }
  }

  @ForEachKubectl
  void deletingADeploymentRemovesItsReplicaSetsAndPods(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns("cascade", version);
    kubectl.run("create", "namespace", ns).assertSuccess();
    deploymentWithReplicaSetAndPods(kubectl, ns, "bg");
    deploymentWithReplicaSetAndPods(kubectl, ns, "fg");

    // Background (kubectl's default): the Deployment goes at once, its dependents after it.
    assertThat(kubectl.run("delete", "deploy", "bg", "-n", ns).assertSuccess().stdout())
        .contains("deployment.apps \"bg\" deleted");
    Awaitility.await()
        .atMost(Kubectl.DEFAULT_AWAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> names(kubectl, ns, "rs,pods", "bg").isEmpty());

    // Foreground: kubectl waits for the Deployment, which goes only after its dependents.
    assertThat(
            kubectl
                .run("delete", "deploy", "fg", "-n", ns, "--cascade=foreground")
                .assertSuccess()
                .stdout())
        .contains("deployment.apps \"fg\" deleted");
    assertThat(names(kubectl, ns, "rs", "fg")).isEmpty();
    assertThat(names(kubectl, ns, "pods", "fg")).isEmpty();
  }

  @ForEachKubectl
  void deletingANamespaceWaitsUntilItAndItsContentAreGone(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = ns("doomed", version);
    kubectl.run("create", "namespace", ns).assertSuccess();
    kubectl.run("create", "configmap", "settings", "-n", ns, "--from-literal=a=1").assertSuccess();
    deploymentWithReplicaSetAndPods(kubectl, ns, "web");

    assertThat(kubectl.run("delete", "namespace", ns).assertSuccess().stdout())
        .contains("namespace \"" + ns + "\" deleted");

    assertThat(kubectl.run("get", "namespace", ns).assertFailure().stderr())
        .contains("namespaces \"" + ns + "\" not found");
    assertThat(kubectl.run("get", "all,configmaps", "-n", ns).stdout()).doesNotContain("web");
  }

  @ForEachKubectl
  void theDefaultNamespaceCannotBeDeleted(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    assertThat(kubectl.run("delete", "namespace", "default").assertFailure().stderr())
        .contains(
            "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may"
                + " not be deleted");
    assertThat(kubectl.output("get", "namespace", "default", "-o", "jsonpath={.status.phase}"))
        .isEqualTo("Active");
  }
}
