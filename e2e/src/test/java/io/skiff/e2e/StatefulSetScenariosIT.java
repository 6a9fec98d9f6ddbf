package io.skiff.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario S11 of SCENARIOS.md (seed 001): a headless Service and a StatefulSet with a partitioned
 * rolling update, driven with the real kubectl: scale in order, {@code set image} updates only the
 * ordinals at or above the partition, {@code replace} and {@code patch --type=json} move the
 * partition down, {@code rollout status|history|undo}, and scaling down from the highest ordinal.
 */
class StatefulSetScenariosIT {

  @RegisterExtension static final SkiffExtension skiff = new SkiffExtension();

  private static final String NAME = "nginx-statefulset";

  static String manifest(int replicas, String image, int partition) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: nginx-stateful-service
        spec:
          clusterIP: None
          selector:
            app: nginx-stateful
          ports:
          - port: 80
            name: web-port
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: %s
        spec:
          serviceName: nginx-stateful-service
          replicas: %d
          selector:
            matchLabels:
              app: nginx-stateful
          template:
            metadata:
              labels:
                app: nginx-stateful
            spec:
              containers:
              - name: nginx-container
                image: %s
                ports:
                - containerPort: 80
                  name: web-port
          updateStrategy:
            type: RollingUpdate
            rollingUpdate:
              partition: %d
        """
        .formatted(NAME, replicas, image, partition);
  }

  /** Pod name → image, as the seed prints them with a jsonpath. */
  private static Map<String, String> images(Kubectl kubectl, String ns) {
    JsonNode pods = kubectl.json("get", "pods", "-n", ns);
    Map<String, String> out = new TreeMap<>();
    for (JsonNode p : pods.path("items")) {
      if (p.at("/metadata/deletionTimestamp").isMissingNode()) {
        out.put(p.at("/metadata/name").asText(), p.at("/spec/containers/0/image").asText());
      }
    }
    return out;
  }

  private static void awaitImages(Kubectl kubectl, String ns, Map<String, String> expected) {
    kubectl.await(
        r -> r.succeeded() && images(kubectl, ns).equals(expected), "get", "pods", "-n", ns);
  }

  private static String rolloutStatus(Kubectl kubectl, String ns) {
    return kubectl.output("rollout", "status", "statefulset/" + NAME, "-n", ns, "--timeout=120s");
  }

  @ForEachKubectl
  void s11PartitionedCanary(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "s11-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    String old = "nginx:1.25.4";
    String next = "nginx:1.26.1";

    kubectl.withStdin(manifest(3, old, 2)).output("apply", "-f", "-", "-n", ns);
    assertThat(rolloutStatus(kubectl, ns))
        .contains("partitioned roll out complete: 3 new pods have been updated...");
    JsonNode pod0 = kubectl.json("get", "pod", NAME + "-0", "-n", ns);
    assertThat(pod0.at("/metadata/labels/statefulset.kubernetes.io~1pod-name").asText())
        .isEqualTo(NAME + "-0");
    assertThat(pod0.at("/metadata/labels/apps.kubernetes.io~1pod-index").asText()).isEqualTo("0");
    assertThat(pod0.at("/spec/hostname").asText()).isEqualTo(NAME + "-0");
    assertThat(pod0.at("/spec/subdomain").asText()).isEqualTo("nginx-stateful-service");
    JsonNode sts = kubectl.json("get", "statefulset", NAME, "-n", ns);
    String firstRevision = sts.at("/status/currentRevision").asText();
    assertThat(pod0.at("/metadata/labels/controller-revision-hash").asText())
        .isEqualTo(firstRevision);

    // Scale to 5: -3 and -4 come in order, each after the previous is ready.
    kubectl.output("scale", "statefulset", NAME, "--replicas=5", "-n", ns);
    rolloutStatus(kubectl, ns);
    Map<String, String> allOld = new TreeMap<>();
    for (int i = 0; i < 5; i++) {
      allOld.put(NAME + "-" + i, old);
    }
    assertThat(images(kubectl, ns)).isEqualTo(allOld);
    JsonNode pods = kubectl.json("get", "pods", "-n", ns);
    String ready3 = null;
    String created4 = null;
    for (JsonNode p : pods.path("items")) {
      String name = p.at("/metadata/name").asText();
      if (name.equals(NAME + "-3")) {
        for (JsonNode c : p.at("/status/conditions")) {
          if (c.path("type").asText().equals("Ready")) {
            ready3 = c.path("lastTransitionTime").asText();
          }
        }
      }
      if (name.equals(NAME + "-4")) {
        created4 = p.at("/metadata/creationTimestamp").asText();
      }
    }
    assertThat(created4).isGreaterThanOrEqualTo(ready3);

    // set image: only ordinals >= 2 move.
    kubectl.output("set", "image", "statefulset/" + NAME, "nginx-container=" + next, "-n", ns);
    Map<String, String> partition2 = new TreeMap<>(allOld);
    for (int i = 2; i < 5; i++) {
      partition2.put(NAME + "-" + i, next);
    }
    awaitImages(kubectl, ns, partition2);
    assertThat(rolloutStatus(kubectl, ns))
        .contains("partitioned roll out complete: 3 new pods have been updated...");
    sts = kubectl.json("get", "statefulset", NAME, "-n", ns);
    assertThat(sts.at("/status/currentRevision").asText()).isEqualTo(firstRevision);
    assertThat(sts.at("/status/updateRevision").asText()).isNotEqualTo(firstRevision);
    assertThat(sts.at("/status/currentReplicas").asInt()).isEqualTo(2);
    assertThat(sts.at("/status/updatedReplicas").asInt()).isEqualTo(3);

    // replace with partition 1: -1 follows.
    kubectl.withStdin(manifest(5, next, 1)).output("replace", "-f", "-", "-n", ns);
    Map<String, String> partition1 = new TreeMap<>(partition2);
    partition1.put(NAME + "-1", next);
    awaitImages(kubectl, ns, partition1);

    // patch --type=json partition 0: -0 follows, and the update completes.
    kubectl.output(
        "patch",
        "statefulset",
        NAME,
        "-n",
        ns,
        "--type=json",
        "-p=[{\"op\": \"replace\", \"path\": \"/spec/updateStrategy/rollingUpdate/partition\","
            + " \"value\": 0}]");
    Map<String, String> allNew = new TreeMap<>(partition1);
    allNew.put(NAME + "-0", next);
    awaitImages(kubectl, ns, allNew);
    assertThat(rolloutStatus(kubectl, ns))
        .contains("partitioned roll out complete: 5 new pods have been updated...");
    sts =
        kubectl.awaitJson(
            s ->
                s.at("/status/currentRevision")
                    .asText()
                    .equals(s.at("/status/updateRevision").asText()),
            "get",
            "statefulset",
            NAME,
            "-n",
            ns);

    String history = kubectl.output("rollout", "history", "statefulset/" + NAME, "-n", ns);
    assertThat(history)
        .contains("REVISION")
        .containsPattern("(?m)^1\\s")
        .containsPattern("(?m)^2\\s");
    assertThat(kubectl.output("get", "controllerrevisions", "-n", ns)).contains(firstRevision);

    // undo: back to the first template, by reusing its revision.
    assertThat(kubectl.output("rollout", "undo", "statefulset/" + NAME, "-n", ns))
        .contains("statefulset.apps/" + NAME + " rolled back");
    awaitImages(kubectl, ns, allOld);
    kubectl.awaitJson(
        s -> s.at("/status/updateRevision").asText().equals(firstRevision),
        "get",
        "statefulset",
        NAME,
        "-n",
        ns);
    JsonNode reused = kubectl.json("get", "controllerrevision", firstRevision, "-n", ns);
    assertThat(reused.path("revision").asLong()).isEqualTo(3);

    // Scale down: the highest ordinals go.
    kubectl.output("scale", "statefulset", NAME, "--replicas=2", "-n", ns);
    kubectl.await(
        r -> r.succeeded() && images(kubectl, ns).keySet().equals(Set.of(NAME + "-0", NAME + "-1")),
        "get",
        "pods",
        "-n",
        ns);
    String describe = kubectl.output("describe", "statefulset", NAME, "-n", ns);
    assertThat(describe)
        .contains("SuccessfulCreate")
        .contains("create Pod " + NAME + "-4 in StatefulSet " + NAME + " successful")
        .contains("delete Pod " + NAME + "-4 in StatefulSet " + NAME + " successful");
  }

  static String storageManifest(String name, String whenScaled) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: %1$s
        spec:
          serviceName: %1$s
          replicas: 2
          podManagementPolicy: Parallel
          selector:
            matchLabels:
              app: %1$s
          template:
            metadata:
              labels:
                app: %1$s
            spec:
              containers:
              - name: nginx
                image: nginx:1.25.4
                volumeMounts:
                - name: www
                  mountPath: /usr/share/nginx/html
          volumeClaimTemplates:
          - metadata:
              name: www
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 1Gi
          persistentVolumeClaimRetentionPolicy:
            whenDeleted: Retain
            whenScaled: %2$s
        """
        .formatted(name, whenScaled);
  }

  private static Set<String> claimNames(Kubectl kubectl, String ns) {
    Set<String> out = new TreeSet<>();
    for (JsonNode c : kubectl.json("get", "pvc", "-n", ns).path("items")) {
      if (c.at("/metadata/deletionTimestamp").isMissingNode()) {
        out.add(c.at("/metadata/name").asText());
      }
    }
    return out;
  }

  /**
   * Issue 6: the claims of {@code volumeClaimTemplates} are bound at once by the simulation ({@code
   * kubectl get pvc} and {@code get pv} as on kind), and {@code
   * persistentVolumeClaimRetentionPolicy} decides what a scale-down does with the claim of the
   * removed ordinal: {@code whenScaled: Delete} removes it (and its volume) with the pod, {@code
   * Retain} keeps it for the next scale-up.
   */
  @ForEachKubectl
  void volumeClaimTemplatesAreBoundAndTheRetentionPolicyActsOnScaleDown(String version) {
    Kubectl kubectl = skiff.kubectl(version);
    String ns = "pvc-" + version.replace(".", "");
    kubectl.output("create", "namespace", ns);
    kubectl.withStdin(storageManifest("web", "Delete")).output("apply", "-f", "-", "-n", ns);
    kubectl.withStdin(storageManifest("keep", "Retain")).output("apply", "-f", "-", "-n", ns);
    for (String set : new String[] {"web", "keep"}) {
      assertThat(
              kubectl.output("rollout", "status", "statefulset/" + set, "-n", ns, "--timeout=120s"))
          .contains("2 new pods have been updated");
    }
    Set<String> all = Set.of("www-keep-0", "www-keep-1", "www-web-0", "www-web-1");
    kubectl.await(
        r -> {
          if (!r.succeeded()) {
            return false;
          }
          int bound = 0;
          for (JsonNode c : r.json().path("items")) {
            bound += c.at("/status/phase").asText().equals("Bound") ? 1 : 0;
          }
          return bound == all.size();
        },
        "get",
        "pvc",
        "-n",
        ns,
        "-o",
        "json");
    assertThat(claimNames(kubectl, ns)).isEqualTo(all);

    JsonNode claim = kubectl.json("get", "pvc", "www-web-1", "-n", ns);
    String uid = claim.at("/metadata/uid").asText();
    String volume = "pvc-" + uid;
    assertThat(claim.at("/spec/volumeName").asText()).isEqualTo(volume);
    assertThat(claim.at("/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(claim.at("/metadata/annotations/pv.kubernetes.io~1bind-completed").asText())
        .isEqualTo("yes");
    assertThat(claim.at("/status/capacity/storage").asText()).isEqualTo("1Gi");
    String table = kubectl.output("get", "pvc", "www-web-1", "-n", ns);
    assertThat(table)
        .containsPattern(
            "(?m)^NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS\\s+"
                + "VOLUMEATTRIBUTESCLASS\\s+AGE$")
        .containsPattern(
            "(?m)^www-web-1\\s+Bound\\s+" + volume + "\\s+1Gi\\s+RWO\\s+standard\\s+<unset>\\s+");
    assertThat(kubectl.output("get", "pv", volume))
        .containsPattern(
            "(?m)^NAME\\s+CAPACITY\\s+ACCESS MODES\\s+RECLAIM POLICY\\s+STATUS\\s+CLAIM\\s+"
                + "STORAGECLASS\\s+VOLUMEATTRIBUTESCLASS\\s+REASON\\s+AGE$")
        .containsPattern(
            "(?m)^"
                + volume
                + "\\s+1Gi\\s+RWO\\s+Delete\\s+Bound\\s+"
                + ns
                + "/www-web-1\\s+standard\\s+<unset>\\s+");
    JsonNode pod = kubectl.json("get", "pod", "web-1", "-n", ns);
    assertThat(pod.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText())
        .isEqualTo("www-web-1");

    // Scale both down to one: web's claim of ordinal 1 goes with its pod, keep's stays.
    kubectl.output("scale", "statefulset", "web", "keep", "--replicas=1", "-n", ns);
    kubectl.await(
        r ->
            r.succeeded()
                && claimNames(kubectl, ns).equals(Set.of("www-keep-0", "www-keep-1", "www-web-0")),
        "get",
        "pvc",
        "-n",
        ns);
    kubectl.await(r -> !r.succeeded(), "get", "pv", volume);
    kubectl.await(
        r -> r.succeeded() && !r.stdout().contains("keep-1") && !r.stdout().contains("web-1"),
        "get",
        "pods",
        "-n",
        ns);
    JsonNode kept = kubectl.json("get", "pvc", "www-keep-1", "-n", ns);
    assertThat(kept.at("/status/phase").asText()).isEqualTo("Bound");
    assertThat(kept.at("/metadata/ownerReferences").isMissingNode()).isTrue();

    // Scale web up again: ordinal 1 gets a new claim, and with it a new volume.
    kubectl.output("scale", "statefulset", "web", "--replicas=2", "-n", ns);
    JsonNode again =
        kubectl.awaitJson(
            c -> c.at("/status/phase").asText().equals("Bound"),
            "get",
            "pvc",
            "www-web-1",
            "-n",
            ns);
    assertThat(again.at("/metadata/uid").asText()).isNotEqualTo(uid);
  }
}
