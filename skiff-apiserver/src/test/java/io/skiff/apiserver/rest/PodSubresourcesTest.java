package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POST to pods/binding and pods/eviction, and the default tolerations pods are created with. */
class PodSubresourcesTest {

  private final Handler api = new Handler();

  @AfterEach
  void close() {
    api.close();
  }

  private static final String PODS = "/api/v1/namespaces/default/pods";

  private void createPod(String name, String labels) {
    api.post(
            PODS,
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'"
                    + name
                    + "','labels':"
                    + labels
                    + "},'spec':{'containers':[{'name':'c','image':'nginx'}]}}"))
        .expect(201);
  }

  private Handler.Result bind(String pod, String node) {
    return api.post(
        PODS + "/" + pod + "/binding",
        json(
            "{'apiVersion':'v1','kind':'Binding','metadata':{'name':'"
                + pod
                + "'},'target':{'apiVersion':'v1','kind':'Node','name':'"
                + node
                + "'}}"));
  }

  private Handler.Result evict(String pod) {
    return api.post(
        PODS + "/" + pod + "/eviction",
        json(
            "{'apiVersion':'policy/v1','kind':'Eviction','metadata':{'name':'"
                + pod
                + "','namespace':'default'}}"));
  }

  @Test
  void bindingAssignsTheNodeAndMarksThePodScheduled() {
    createPod("web", "{}");

    Handler.Result r = bind("web", "node-1").expect(201);

    assertThat(r.body().path("kind").asText()).isEqualTo("Status");
    assertThat(r.body().path("status").asText()).isEqualTo("Success");
    JsonNode pod = api.get(PODS + "/web").expect(200).body();
    assertThat(pod.at("/spec/nodeName").asText()).isEqualTo("node-1");
    JsonNode scheduled = pod.at("/status/conditions/0");
    assertThat(scheduled.path("type").asText()).isEqualTo("PodScheduled");
    assertThat(scheduled.path("status").asText()).isEqualTo("True");
    assertThat(scheduled.path("lastTransitionTime").asText()).isNotEmpty();
  }

  /** What a kubelet (skiff-node's included) may send: the status alone. */
  @Test
  void aStatusWriteWithoutASpecKeepsTheStoredSpec() {
    createPod("web", "{}");

    JsonNode written =
        api.put(
                PODS + "/web/status",
                json(
                    "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},"
                        + "'status':{'phase':'Running'}}"))
            .expect(200)
            .body();

    JsonNode stored = api.get(PODS + "/web").expect(200).body();
    for (JsonNode pod : new JsonNode[] {written, stored}) {
      assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo("nginx");
      assertThat(pod.at("/status/phase").asText()).isEqualTo("Running");
    }
    assertThat(stored.at("/metadata/managedFields").findValuesAsText("subresource"))
        .containsExactly("status");
    for (JsonNode entry : stored.at("/metadata/managedFields")) {
      if (entry.path("subresource").asText().equals("status")) {
        assertThat(entry.at("/fieldsV1").has("f:spec")).isFalse();
        assertThat(entry.at("/fieldsV1/f:status").has("f:phase")).isTrue();
      } else {
        assertThat(entry.at("/fieldsV1/f:spec").has("f:containers")).isTrue();
      }
    }
  }

  @Test
  void aBoundPodCannotBeBoundAgain() {
    createPod("web", "{}");
    bind("web", "node-1").expect(201);

    Handler.Result r = bind("web", "node-2").expect(409);

    assertThat(r.message())
        .isEqualTo(
            "Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to"
                + " node \"node-1\"");
    assertThat(api.get(PODS + "/web").body().at("/spec/nodeName").asText()).isEqualTo("node-1");
  }

  @Test
  void bindingRefusesMismatchedNamesAndMissingPods() {
    createPod("web", "{}");
    assertThat(
            api.post(
                    PODS + "/web/binding",
                    json(
                        "{'apiVersion':'v1','kind':'Binding','metadata':{'name':'other'},"
                            + "'target':{'kind':'Node','name':'n'}}"))
                .expect(400)
                .message())
        .isEqualTo("name in URL does not match name in Binding object");
    assertThat(bind("missing", "node-1").expect(404).message())
        .isEqualTo("pods \"missing\" not found");
    assertThat(
            api.post(
                    PODS + "/web/binding",
                    json("{'apiVersion':'v1','kind':'Binding','metadata':{'name':'web'}}"))
                .expect(422)
                .message())
        .isEqualTo("Binding \"web\" is invalid: target.name: Required value");
    assertThat(api.get(PODS + "/web").body().at("/spec/nodeName").isMissingNode()).isTrue();
  }

  @Test
  void aDryRunBindingWritesNothing() {
    createPod("web", "{}");
    String rv = api.get(PODS + "/web").body().at("/metadata/resourceVersion").asText();

    api.post(
            PODS + "/web/binding?dryRun=All",
            json(
                "{'apiVersion':'v1','kind':'Binding','metadata':{'name':'web'},"
                    + "'target':{'kind':'Node','name':'n'}}"))
        .expect(201);

    JsonNode pod = api.get(PODS + "/web").body();
    assertThat(pod.at("/metadata/resourceVersion").asText()).isEqualTo(rv);
    assertThat(pod.at("/spec/nodeName").isMissingNode()).isTrue();
  }

  @Test
  void otherSubresourcesDoNotTakePosts() {
    createPod("web", "{}");
    api.post(PODS + "/web/status", "{}").expect(405);
  }

  @Test
  void aPendingPodIsEvictedWhateverItsBudget() {
    createPod("web", "{'app':'web'}");
    createBudget("{'minAvailable':1,'selector':{'matchLabels':{'app':'web'}}}");

    evict("web").expect(201);

    api.get(PODS + "/web").expect(404);
  }

  @Test
  void aRunningPodIsEvictedOnlyWhileItsBudgetAllowsDisruptions() {
    createRunningReadyPod("a");
    createRunningReadyPod("b");
    createBudget("{'minAvailable':1,'selector':{'matchLabels':{'app':'web'}}}");
    setBudgetStatus(1, 2, 1);

    evict("a").expect(201);

    Handler.Result refused = evict("b").expect(429);
    assertThat(refused.message())
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(refused.body().at("/details/causes/0/reason").asText())
        .isEqualTo("DisruptionBudget");
    assertThat(refused.body().at("/details/causes/0/message").asText())
        .isEqualTo("The disruption budget web needs 1 healthy pods and has 2 currently");
    api.get(PODS + "/b").expect(200);
    // a had a node, so it is marked for deletion with its grace period, and says why.
    JsonNode a = api.get(PODS + "/a").expect(200).body();
    assertThat(a.at("/metadata/deletionTimestamp").asText()).isNotEmpty();
    assertThat(a.at("/status/conditions").findValuesAsText("type")).contains("DisruptionTarget");
    JsonNode budget = api.get("/apis/policy/v1/namespaces/default/poddisruptionbudgets/web").body();
    assertThat(budget.at("/status/disruptionsAllowed").asInt()).isZero();
    assertThat(budget.at("/status/disruptedPods/a").asText()).isNotEmpty();
  }

  @Test
  void aBudgetItsControllerHasNotSeenYetRefusesWithRetryAfter() {
    createRunningReadyPod("a");
    createBudget("{'minAvailable':1,'selector':{'matchLabels':{'app':'web'}}}");

    Handler.Result refused = evict("a").expect(429);

    assertThat(refused.body().at("/details/causes/0/message").asText())
        .isEqualTo("The disruption budget web is still being processed by the server.");
    assertThat(refused.body().at("/details/retryAfterSeconds").asInt()).isEqualTo(10);
  }

  @Test
  void podsGetTheDefaultNoExecuteTolerations() {
    createPod("web", "{}");

    JsonNode tolerations = api.get(PODS + "/web").body().at("/spec/tolerations");

    assertThat(tolerations.toString())
        .isEqualTo(
            json(
                "[{'effect':'NoExecute','key':'node.kubernetes.io/not-ready','operator':'Exists',"
                    + "'tolerationSeconds':300},{'effect':'NoExecute','key':"
                    + "'node.kubernetes.io/unreachable','operator':'Exists','tolerationSeconds':300}]"));
  }

  @Test
  void anUpdateThatLeavesOutTheDefaultTolerationsGetsThemBack() {
    createPod("web", "{}");
    ObjectNode pod = (ObjectNode) api.get(PODS + "/web").body();
    ((ObjectNode) pod.get("spec")).remove("tolerations");
    ((ObjectNode) pod.get("metadata")).putObject("labels").put("edited", "yes");

    Handler.Result r = api.put(PODS + "/web", pod.toString()).expect(200);

    assertThat(r.body().at("/metadata/labels/edited").asText()).isEqualTo("yes");
    assertThat(r.body().at("/spec/tolerations").findValuesAsText("key"))
        .containsExactly("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable");
  }

  @Test
  void aPodThatToleratesEverythingGetsNoDefaults() {
    api.post(
            PODS,
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'ds'},'spec':{'containers':"
                    + "[{'name':'c','image':'nginx'}],'tolerations':[{'operator':'Exists'}]}}"))
        .expect(201);

    assertThat(api.get(PODS + "/ds").body().at("/spec/tolerations").size()).isEqualTo(1);
  }

  @Test
  void aPodsOwnNotReadyTolerationIsKept() {
    api.post(
            PODS,
            json(
                "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'containers':"
                    + "[{'name':'c','image':'nginx'}],'tolerations':[{'key':"
                    + "'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoExecute',"
                    + "'tolerationSeconds':10}]}}"))
        .expect(201);

    JsonNode tolerations = api.get(PODS + "/p").body().at("/spec/tolerations");
    assertThat(tolerations.size()).isEqualTo(2);
    assertThat(tolerations.at("/0/tolerationSeconds").asInt()).isEqualTo(10);
    assertThat(tolerations.at("/1/key").asText()).isEqualTo("node.kubernetes.io/unreachable");
  }

  private void createRunningReadyPod(String name) {
    createPod(name, "{'app':'web'}");
    bind(name, "node-1").expect(201);
    JsonNode pod = api.get(PODS + "/" + name).body();
    api.call(
            "PATCH",
            PODS + "/" + name + "/status",
            "application/merge-patch+json",
            json(
                "{'metadata':{'resourceVersion':'"
                    + pod.at("/metadata/resourceVersion").asText()
                    + "'},'status':{'phase':'Running','conditions':[{'type':'Ready','status':"
                    + "'True'}]}}"))
        .expect(200);
  }

  private void createBudget(String spec) {
    api.post(
            "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
            json(
                "{'apiVersion':'policy/v1','kind':'PodDisruptionBudget','metadata':{'name':'web'},"
                    + "'spec':"
                    + spec
                    + "}"))
        .expect(201);
  }

  private void setBudgetStatus(int allowed, int current, int desired) {
    api.call(
            "PATCH",
            "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web/status",
            "application/merge-patch+json",
            json(
                "{'status':{'observedGeneration':1,'disruptionsAllowed':"
                    + allowed
                    + ",'currentHealthy':"
                    + current
                    + ",'desiredHealthy':"
                    + desired
                    + ",'expectedPods':"
                    + current
                    + "}}"))
        .expect(200);
  }
}
