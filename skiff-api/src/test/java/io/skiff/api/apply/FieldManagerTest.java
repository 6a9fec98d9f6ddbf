package io.skiff.api.apply;

import static io.skiff.api.apply.FieldSetTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.defaults.Defaulter;
import io.skiff.api.errors.StatusError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * managedFields bookkeeping and server-side apply on Deployments, against upstream's field manager:
 * what each write records, how an apply merges, prunes and conflicts, and the texts of its errors.
 */
class FieldManagerTest {

  private static final ObjectCodec CODEC = new ObjectCodec();
  private static final ResourceType DEPLOYMENTS =
      ResourceRegistry.builtin().byKind("apps/v1", "Deployment").orElseThrow();
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.500Z");

  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final FieldManager fm = new FieldManager(CODEC, now::get);
  private int revision;

  static String nginx(String replicas, String image, String extraLabels) {
    return json(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nginx','namespace':"
            + "'default','labels':{'app':'nginx'"
            + extraLabels
            + "}},'spec':{"
            + (replicas.isEmpty() ? "" : "'replicas':" + replicas + ",")
            + "'selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':{'labels':"
            + "{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'"
            + image
            + "','ports':[{'containerPort':80}]}]}}}}");
  }

  private static Deployment decode(String json) throws Exception {
    return CODEC.toObject(
        CODEC.parse(json.getBytes(StandardCharsets.UTF_8), Deployment.class).tree(),
        Deployment.class);
  }

  /** What the storage does to a written object, so that the next write sees a stored one. */
  private HasMetadata stored(HasMetadata obj) {
    Defaulter.apply(obj);
    if (obj.getMetadata().getUid() == null) {
      obj.getMetadata().setUid("5d8a3b9e-0000-4000-8000-000000000001");
      obj.getMetadata().setCreationTimestamp("2024-05-01T09:00:00Z");
    }
    obj.getMetadata().setResourceVersion(String.valueOf(++revision));
    return obj;
  }

  private HasMetadata create(String manager, String json) throws Exception {
    Deployment d = decode(json);
    fm.recordCreate(DEPLOYMENTS, d, null, manager);
    return stored(d);
  }

  private HasMetadata update(HasMetadata live, String manager, Consumer<Deployment> change) {
    Deployment next = CODEC.decodeStored(CODEC.encode(live), Deployment.class);
    change.accept(next);
    fm.recordUpdate(DEPLOYMENTS, live, next, null, manager, "");
    return stored(next);
  }

  private FieldManager.Result applyResult(
      HasMetadata live, String manager, boolean force, String body) {
    return fm.apply(
        DEPLOYMENTS,
        live,
        ApplyConfig.parse(body.getBytes(StandardCharsets.UTF_8)),
        manager,
        force,
        "",
        "default",
        "nginx",
        "Strict");
  }

  private HasMetadata apply(HasMetadata live, String manager, boolean force, String body) {
    return stored(applyResult(live, manager, force, body).object());
  }

  private static ArrayNode entries(HasMetadata obj) {
    ArrayNode a = CODEC.mapper().valueToTree(obj.getMetadata().getManagedFields());
    return a == null ? CODEC.mapper().createArrayNode() : a;
  }

  /** A manager's entry, found by manager, operation and subresource. */
  private static JsonNode entry(HasMetadata obj, String manager, String operation, String sub) {
    for (JsonNode e : entries(obj)) {
      if (e.path("manager").asText().equals(manager)
          && e.path("operation").asText().equals(operation)
          && e.path("subresource").asText("").equals(sub)) {
        return e;
      }
    }
    return null;
  }

  private static FieldSet fields(JsonNode entry) {
    return FieldSet.fromFieldsV1(entry.get("fieldsV1"));
  }

  private static String fieldsV1(JsonNode entry) {
    return entry.get("fieldsV1").toString().replace('"', '\'');
  }

  private void later(Duration d) {
    now.set(now.get().plus(d));
  }

  // ---- non-apply writes ----

  @Test
  void aCreateRecordsEveryFieldItsWriterSetDefaultsIncluded() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));

    ArrayNode e = entries(d);
    assertThat(e).hasSize(1);
    assertThat(e.get(0).get("manager").asText()).isEqualTo("kubectl-create");
    assertThat(e.get(0).get("operation").asText()).isEqualTo("Update");
    assertThat(e.get(0).get("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(e.get(0).get("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(e.get(0).get("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(e.get(0).has("subresource")).isFalse();
    // What kube-apiserver records for kubectl create: labels it added are members ("."), the
    // structs Go always has (spec, strategy, template) are not; the selector is atomic.
    assertThat(fieldsV1(e.get(0)))
        .isEqualTo(
            "{'f:metadata':{'f:labels':{'f:app':{},'.':{}}},'f:spec':{"
                + "'f:progressDeadlineSeconds':{},'f:replicas':{},'f:revisionHistoryLimit':{},"
                + "'f:selector':{},'f:strategy':{'f:rollingUpdate':{'f:maxSurge':{},"
                + "'f:maxUnavailable':{},'.':{}},'f:type':{}},'f:template':{'f:metadata':"
                + "{'f:labels':{'f:app':{},'.':{}}},'f:spec':{'f:containers':"
                + "{'k:{\\'name\\':\\'nginx\\'}':{'f:image':{},'f:imagePullPolicy':{},'f:name':{},"
                + "'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':"
                + "{'f:containerPort':{},'f:protocol':{},'.':{}},'.':{}},'f:resources':{},"
                + "'f:terminationMessagePath':{},'f:terminationMessagePolicy':{},'.':{}}},"
                + "'f:dnsPolicy':{},'f:restartPolicy':{},'f:schedulerName':{},"
                + "'f:securityContext':{},'f:terminationGracePeriodSeconds':{}}}}}");
  }

  @Test
  void anUpdateTakesTheFieldsItChangesFromTheirOwners() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));
    later(Duration.ofMinutes(1));

    d =
        update(
            d,
            "kubectl-edit",
            x -> x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:2"));

    JsonNode edit = entry(d, "kubectl-edit", "Update", "");
    assertThat(fieldsV1(edit))
        .isEqualTo(
            "{'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{\\'name\\':\\'nginx\\'}':"
                + "{'f:image':{}}}}}}}");
    assertThat(edit.get("time").asText()).isEqualTo("2024-05-01T10:01:00Z");
    JsonNode creator = entry(d, "kubectl-create", "Update", "");
    assertThat(fieldsV1(creator)).doesNotContain("'f:image'").contains("'f:imagePullPolicy'");
    assertThat(creator.get("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
  }

  @Test
  void anUpdateThatChangesNothingRecordsNothing() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));
    later(Duration.ofMinutes(1));

    HasMetadata again = update(d, "kubectl-edit", x -> {});

    assertThat(entries(again)).isEqualTo(entries(d));
  }

  @Test
  void removedFieldsLeaveTheirOwners() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ",'tier':'web'"));

    d = update(d, "kubectl-label", x -> x.getMetadata().getLabels().remove("tier"));

    assertThat(entry(d, "kubectl-label", "Update", "")).isNull();
    assertThat(fields(entry(d, "kubectl-create", "Update", "")).toString())
        .doesNotContain("tier")
        .contains(".metadata.labels.app");
  }

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "kubectl-edit, kubectl/v1.27.3 (linux/amd64) kubernetes/25b4e43, kubectl-edit",
        "'', kubectl.1.27/v1.27.16 (linux/amd64) kubernetes/cbb86e0, kubectl.1.27",
        "null, kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/abc/system:x,"
            + " kube-controller-manager",
        "null, curl, curl",
        "null, null, ''",
        "null, 'a\tb\u0007c/1.0', abc",
      })
  void theManagerOfAWriteIsItsFieldManagerElseItsUserAgent(
      String fieldManager, String userAgent, String manager) {
    assertThat(FieldManager.managerFor(fieldManager, userAgent)).isEqualTo(manager);
  }

  @Test
  void aUserAgentManagerIsCutAt128Bytes() {
    assertThat(FieldManager.managerFor(null, "x".repeat(200) + "/1")).hasSize(128);
    assertThat(FieldManager.managerFor(null, "é".repeat(100))).hasSize(64);
  }

  @Test
  void aWriteWithoutManagerIsUnknown() throws Exception {
    HasMetadata d = create("", nginx("1", "nginx", ""));

    assertThat(entries(d).get(0).get("manager").asText()).isEqualTo("unknown");
  }

  @Test
  void managedFieldsInARequestReplaceTheRecordedOnesOnlyWhenValid() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));
    JsonNode moved =
        CODEC
            .mapper()
            .readTree(
                json(
                    "[{'manager':'mover','operation':'Apply','apiVersion':'apps/v1',"
                        + "'fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}]"));
    JsonNode invalid =
        CODEC
            .mapper()
            .readTree(
                json(
                    "[{'manager':'x','operation':'Bogus','apiVersion':'apps/v1',"
                        + "'fieldsType':'FieldsV1','fieldsV1':{}}]"));

    Deployment next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    fm.recordUpdate(DEPLOYMENTS, d, next, moved, "kubectl", "");
    assertThat(entries(next)).hasSize(1);
    assertThat(fieldsV1(entry(next, "mover", "Apply", "")))
        .isEqualTo("{'f:spec':{'f:replicas':{}}}");

    next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    fm.recordUpdate(DEPLOYMENTS, d, next, invalid, "kubectl", "");
    assertThat(entries(next)).isEqualTo(entries(d));

    // Through a subresource, what the request says is never taken.
    next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    fm.recordUpdate(DEPLOYMENTS, d, next, moved, "kubelet", "status");
    assertThat(entries(next)).isEqualTo(entries(d));
  }

  @Test
  void managedFieldsInABodyAreNoUnknownFields() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));
    byte[] body = CODEC.encode(d);

    var parsed = CODEC.parse(body, Deployment.class);
    Deployment decoded = CODEC.toObject(parsed.tree(), Deployment.class);

    // kubectl sends them back with fieldValidation=Strict when it moves client-side apply
    // ownership to server-side apply.
    assertThat(parsed.strictErrors()).isEmpty();
    assertThat(entries(decoded)).isEqualTo(entries(d));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"[]", "[{}]", "[{'manager':'','time':null}]"})
  void anEmptyListOrOneEmptyEntryResetsThem(String reset) throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));
    Deployment next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    next.getSpec().setReplicas(2);

    fm.recordUpdate(DEPLOYMENTS, d, next, CODEC.mapper().readTree(json(reset)), "kubectl-edit", "");

    // Nothing is tracked again until the next apply (or the next create).
    assertThat(next.getMetadata().getManagedFields()).isNullOrEmpty();
  }

  @Test
  void statusWritesRecordTheSubresourceAndOwnOnlyStatus() throws Exception {
    HasMetadata d = create("kubectl-create", nginx("1", "nginx", ""));
    Deployment next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    next.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
    next.getStatus().setReplicas(1);
    next.getSpec().setReplicas(7);

    fm.recordUpdate(DEPLOYMENTS, d, next, null, "kube-controller-manager", "status");

    JsonNode status = entry(next, "kube-controller-manager", "Update", "status");
    assertThat(fieldsV1(status)).isEqualTo("{'f:status':{'f:replicas':{}}}");
    assertThat(
            fields(entry(next, "kubectl-create", "Update", ""))
                .has(FieldSetTest.path("spec.replicas")))
        .isTrue();
  }

  @Test
  void updateEntriesAreCappedAtTenByMergingTheOldest() throws Exception {
    HasMetadata d = create("creator", nginx("1", "nginx", ""));
    for (int i = 1; i <= 11; i++) {
      later(Duration.ofSeconds(1));
      String label = "l" + i;
      d = update(d, "m" + i, x -> x.getMetadata().getLabels().put(label, "v"));
    }

    ArrayNode e = entries(d);
    assertThat(e).hasSize(10);
    JsonNode ancient = entry(d, "ancient-changes", "Update", "");
    FieldSet merged = fields(ancient);
    assertThat(merged.has(FieldSetTest.path("metadata.labels.l1"))).isTrue();
    assertThat(merged.has(FieldSetTest.path("metadata.labels.l2"))).isTrue();
    assertThat(merged.has(FieldSetTest.path("spec.replicas"))).isTrue();
    assertThat(ancient.get("time").asText()).isEqualTo("2024-05-01T10:00:02Z");
    assertThat(entry(d, "m1", "Update", "")).isNull();
    assertThat(fieldsV1(entry(d, "m3", "Update", "")))
        .isEqualTo("{'f:metadata':{'f:labels':{'f:l3':{}}}}");
  }

  // ---- scale ----

  @Test
  void aScaleTakesTheReplicasInAnEntryOfItsOwnWithoutATime() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ""));
    Deployment next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    next.getSpec().setReplicas(5);

    fm.recordScale(DEPLOYMENTS, d, next, "kubectl.1.27");

    JsonNode scale = entry(next, "kubectl.1.27", "Update", "scale");
    assertThat(fieldsV1(scale)).isEqualTo("{'f:spec':{'f:replicas':{}}}");
    assertThat(scale.get("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(scale.has("time")).isFalse();
    assertThat(fields(entry(next, "kubectl", "Apply", "")).has(FieldSetTest.path("spec.replicas")))
        .isFalse();

    StatusError e =
        catchThrowableOfType(
            StatusError.class,
            () -> applyResult(stored(next), "kubectl", false, nginx("4", "nginx", "")));
    assertThat(e.code()).isEqualTo(409);
    assertThat(e.getMessage())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl.1.27\" with subresource"
                + " \"scale\" using apps/v1: .spec.replicas");
  }

  @Test
  void aScaleRecordsNothingWhenNobodyOwnedTheReplicasOrTheyStayed() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("", "nginx", ""));
    Deployment next = CODEC.decodeStored(CODEC.encode(d), Deployment.class);
    next.getSpec().setReplicas(5);
    fm.recordScale(DEPLOYMENTS, d, next, "kubectl");
    assertThat(entries(next)).isEqualTo(entries(d));

    HasMetadata owned = apply(null, "kubectl", false, nginx("3", "nginx", ""));
    Deployment same = CODEC.decodeStored(CODEC.encode(owned), Deployment.class);
    fm.recordScale(DEPLOYMENTS, owned, same, "other");
    assertThat(entries(same)).isEqualTo(entries(owned));
  }

  // ---- apply ----

  @Test
  void anApplyCreatesAndOwnsOnlyWhatItSent() throws Exception {
    FieldManager.Result r = applyResult(null, "kubectl", false, nginx("3", "nginx", ""));

    Deployment d = (Deployment) r.object();
    // The storage defaults what it stores; the apply hands over what it merged.
    assertThat(d.getSpec().getRevisionHistoryLimit()).isNull();
    ArrayNode e = entries(d);
    assertThat(e).hasSize(1);
    assertThat(e.get(0).get("operation").asText()).isEqualTo("Apply");
    assertThat(e.get(0).get("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(fieldsV1(e.get(0)))
        .isEqualTo(
            "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{},'f:selector':{},"
                + "'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':"
                + "{'k:{\\'name\\':\\'nginx\\'}':{'f:image':{},'f:name':{},'f:ports':"
                + "{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':{'f:containerPort':{},"
                + "'.':{}}},'.':{}}}}}}}");
  }

  @Test
  void anApplyChangingItsOwnFieldsSucceedsAndDropsWhatItNoLongerSends() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ",'tier':'web'"));
    later(Duration.ofMinutes(1));

    HasMetadata again = apply(d, "kubectl", false, nginx("2", "nginx:2", ""));

    Deployment r = (Deployment) again;
    assertThat(r.getSpec().getReplicas()).isEqualTo(2);
    assertThat(r.getMetadata().getLabels()).containsOnlyKeys("app");
    assertThat(entry(again, "kubectl", "Apply", "").get("time").asText())
        .isEqualTo("2024-05-01T10:01:00Z");
  }

  @Test
  void whatAnotherManagerAlsoOwnsIsNotPruned() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ",'tier':'web'"));
    d = apply(d, "other", false, nginx("3", "nginx", ",'tier':'web'"));

    HasMetadata again = apply(d, "kubectl", false, nginx("3", "nginx", ""));

    assertThat(again.getMetadata().getLabels()).containsEntry("tier", "web");
    assertThat(
            fields(entry(again, "other", "Apply", ""))
                .has(FieldSetTest.path("metadata.labels.tier")))
        .isTrue();
  }

  @Test
  void aNoOpApplyChangesNothingNotEvenTheTime() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ""));
    later(Duration.ofMinutes(5));

    HasMetadata again = applyResult(d, "kubectl", false, nginx("3", "nginx", "")).object();

    assertThat(CODEC.toTree(again)).isEqualTo(CODEC.toTree(d));
  }

  @Test
  void applyingTheSameValuesAsAnotherManagerSharesThem() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ""));

    HasMetadata shared = apply(d, "other", false, nginx("3", "nginx", ""));

    assertThat(fields(entry(shared, "kubectl", "Apply", "")))
        .isEqualTo(fields(entry(shared, "other", "Apply", "")));
  }

  /** After a create by kubectl apply --server-side, kubectl-edit set 5 replicas and nginx:2. */
  private HasMetadata editedByAnother() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ""));
    return update(
        d,
        "kubectl-edit",
        x -> {
          x.getSpec().setReplicas(5);
          x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:2");
        });
  }

  /** Lines of a conflict message are separated by {@code ~} in the table. */
  @ParameterizedTest(name = "replicas {0}, image {1}, force {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "4 | nginx:2 | false | Apply failed with 1 conflict: conflict with \"kubectl-edit\" using"
            + " apps/v1: .spec.replicas",
        "4 | nginx:3 | false | Apply failed with 2 conflicts: conflicts with \"kubectl-edit\" using"
            + " apps/v1:~- .spec.replicas~- .spec.template.spec.containers[name=\"nginx\"].image",
        "5 | nginx:2 | false | ",
        "4 | nginx:3 | true | ",
      })
  void applyConflictsWithFieldsAnotherManagerSetToOtherValues(
      String replicas, String image, boolean force, String conflict) throws Exception {
    HasMetadata d = editedByAnother();

    if (conflict != null) {
      StatusError e =
          catchThrowableOfType(
              StatusError.class,
              () -> applyResult(d, "kubectl", force, nginx(replicas, image, "")));
      assertThat(e.code()).isEqualTo(409);
      assertThat(e.reason()).isEqualTo("Conflict");
      assertThat(e.getMessage()).isEqualTo(conflict.replace('~', '\n'));
      List<StatusCause> causes = e.status().getDetails().getCauses();
      assertThat(causes)
          .allSatisfy(c -> assertThat(c.getReason()).isEqualTo("FieldManagerConflict"));
      assertThat(causes)
          .allSatisfy(
              c ->
                  assertThat(c.getMessage())
                      .isEqualTo("conflict with \"kubectl-edit\" using apps/v1"));
      assertThat(causes.getFirst().getField()).isEqualTo(".spec.replicas");
      return;
    }
    HasMetadata applied = apply(d, "kubectl", force, nginx(replicas, image, ""));
    Deployment r = (Deployment) applied;
    assertThat(r.getSpec().getReplicas()).isEqualTo(Integer.parseInt(replicas));
    assertThat(r.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(image);
    FieldSet applier = fields(entry(applied, "kubectl", "Apply", ""));
    assertThat(applier.has(FieldSetTest.path("spec.replicas"))).isTrue();
    JsonNode editor = entry(applied, "kubectl-edit", "Update", "");
    if (force) {
      // Forced: the other manager lost both fields, and with them its entry.
      assertThat(editor).isNull();
    } else {
      // Same values: both own them.
      assertThat(fields(editor).has(FieldSetTest.path("spec.replicas"))).isTrue();
    }
  }

  @Test
  void conflictsWithSeveralManagersAreListedPerManagerInOrder() throws Exception {
    HasMetadata d = apply(null, "kubectl", false, nginx("3", "nginx", ""));
    d = update(d, "b-editor", x -> x.getSpec().setPaused(true));
    d = update(d, "a-editor", x -> x.getSpec().setReplicas(5));
    HasMetadata live = d;

    StatusError e =
        catchThrowableOfType(
            StatusError.class,
            () ->
                applyResult(
                    live,
                    "kubectl",
                    false,
                    nginx("4", "nginx", "")
                        .replaceFirst("\"spec\":\\{", "\"spec\":{\"paused\":false,")));

    assertThat(e.getMessage())
        .isEqualTo(
            "Apply failed with 2 conflicts: conflicts with \"a-editor\" using apps/v1:\n"
                + "- .spec.replicas\n"
                + "conflicts with \"b-editor\" using apps/v1:\n"
                + "- .spec.paused");
  }

  @Test
  void kubectlTakesOverWhatClientSideApplySetToTheValuesItLastApplied() throws Exception {
    String manifest = nginx("3", "nginx", "");
    String lastApplied = Values.goJson(CODEC.mapper().readTree(manifest)) + "\n";
    Deployment csa = decode(manifest);
    csa.getMetadata()
        .setAnnotations(new java.util.HashMap<>(Map.of(FieldManager.LAST_APPLIED, lastApplied)));
    fm.recordCreate(DEPLOYMENTS, csa, null, "kubectl-client-side-apply");
    HasMetadata d = stored(csa);
    String changed = nginx("5", "nginx", "");

    StatusError other =
        catchThrowableOfType(StatusError.class, () -> applyResult(d, "other", false, changed));
    assertThat(other.getMessage())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using"
                + " apps/v1: .spec.replicas");

    HasMetadata applied = apply(d, "kubectl", false, changed);
    assertThat(((Deployment) applied).getSpec().getReplicas()).isEqualTo(5);
    assertThat(
            fields(entry(applied, "kubectl-client-side-apply", "Update", ""))
                .has(FieldSetTest.path("spec.replicas")))
        .isFalse();
    // The annotation now holds what kubectl applied, as Go's encoding/json writes it.
    assertThat(applied.getMetadata().getAnnotations().get(FieldManager.LAST_APPLIED))
        .isEqualTo(Values.goJson(CODEC.mapper().readTree(changed)) + "\n")
        .startsWith("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wrong kind | 'kind':'Deployment' | 'kind':'Pod' | 400"
            + " | invalid object type: apps/v1, Kind=Pod",
        "core version | 'apiVersion':'apps/v1' | 'apiVersion':'v1' | 400"
            + " | invalid object type: /v1, Kind=Deployment",
        "no version | 'apiVersion':'apps/v1', | '' | 400 | invalid object type: /, Kind=Deployment",
        "managed fields | 'metadata':{ | 'metadata':{'managedFields':[], | 400"
            + " | metadata.managedFields must be nil",
        "unknown field | 'spec':{ | 'spec':{'foo':1, | 400 | failed to create typed patch object"
            + " (default/nginx; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema",
        "other name | 'name':'nginx' | 'name':'other' | 400"
            + " | the name of the object (other) does not match the name on the URL (nginx)",
        "other namespace | 'namespace':'default' | 'namespace':'prod' | 400"
            + " | the namespace of the provided object does not match the namespace sent on the"
            + " request",
        "uid of nothing | 'namespace':'default' | 'namespace':'default','uid':'u-1' | 409"
            + " | Operation cannot be fulfilled on deployments.apps \"nginx\": uid mismatch: the"
            + " provided object specified uid u-1, and no existing object was found",
      })
  void badConfigurationsAreRefusedAsUpstreamRefusesThem(
      String name, String from, String to, int code, String message) {
    String body = nginx("3", "nginx", "").replace(json(from.strip()), json(to.strip()));

    StatusError e =
        catchThrowableOfType(StatusError.class, () -> applyResult(null, "kubectl", false, body));

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.getMessage()).isEqualTo(message.strip());
  }

  @Test
  void duplicateKeysFailStrictValidationAndWarnOtherwise() {
    String body = "apiVersion: apps/v1\nkind: Deployment\nkind: Deployment\nmetadata:\n  name: n\n";
    ApplyConfig config = ApplyConfig.parse(body.getBytes(StandardCharsets.UTF_8));
    List<String> modes = new ArrayList<>();
    for (String mode : List.of("Strict", "Warn", "Ignore")) {
      try {
        FieldManager.Result r =
            fm.apply(DEPLOYMENTS, null, config, "m", false, "", "default", "n", mode);
        modes.add(mode + ":" + r.warnings().size());
      } catch (StatusError e) {
        modes.add(mode + ":" + e.code());
        assertThat(e.getMessage())
            .isEqualTo(
                "error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal"
                    + " errors:\n  line 3: key \"kind\" already set in map");
      }
    }
    assertThat(modes).containsExactly("Strict:400", "Warn:1", "Ignore:0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'- a' | error decoding YAML: json: cannot unmarshal array into Go value of type"
            + " map[string]interface {}",
        "'x' | error decoding YAML: json: cannot unmarshal string into Go value of type"
            + " map[string]interface {}",
        "'a: [' | error decoding YAML: error converting YAML to JSON: yaml: ",
      })
  void bodiesThatAreNotObjectsAreBadRequests(String body, String message) {
    assertThatThrownBy(() -> ApplyConfig.parse(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StatusError.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(((StatusError) e).code()).isEqualTo(400));
  }

  @Test
  void anEmptyBodyIsAnEmptyObject() {
    assertThat(ApplyConfig.parse(new byte[0]).object().isEmpty()).isTrue();
  }

  // ---- options ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "apply without manager | null | null | true | PatchOptions.meta.k8s.io \"\" is invalid:"
            + " fieldManager: Required value: is required for apply patch",
        "force without apply | m | true | false | PatchOptions.meta.k8s.io \"\" is invalid: force:"
            + " Forbidden: may not be specified for non-apply patch",
        "control character | 'a\u0007b' | null | false | PatchOptions.meta.k8s.io \"\" is invalid:"
            + " fieldManager: Invalid value: \"a\\ab\": invalid character U+0007 (at position 1)",
      })
  void patchOptionsAreCheckedAsUpstreamChecksThem(
      String name, String manager, String force, boolean apply, String message) {
    StatusError e =
        catchThrowableOfType(
            StatusError.class,
            () -> FieldManager.checkOptions("PatchOptions", manager, force, apply));

    assertThat(e.code()).isEqualTo(422);
    assertThat(e.getMessage()).isEqualTo(message);
  }

  @Test
  void aManagerOfAtMost128BytesIsFine() {
    FieldManager.checkOptions("CreateOptions", "m".repeat(128), null, false);
    assertThatThrownBy(
            () -> FieldManager.checkOptions("CreateOptions", "m".repeat(129), null, false))
        .hasMessage(
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: must have at most"
                + " 128 bytes");
  }

  @ParameterizedTest
  @CsvSource({"true, true", "1, true", "False, false", "f, false"})
  void forceIsAGoBoolean(String value, boolean force) {
    assertThat(FieldManager.parseForce(value)).isEqualTo(force);
  }

  @Test
  void forceThatIsNoBooleanIsABadRequest() {
    assertThatThrownBy(() -> FieldManager.parseForce("yes"))
        .hasMessage("strconv.ParseBool: parsing \"yes\": invalid syntax");
  }
}
