package io.skiff.apiserver.rest;

import static io.skiff.apiserver.rest.Handler.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream's Job strategy generates the selector on create unless {@code manualSelector} is set:
 * the Jobs that fabric8 users and {@code kubectl create job} send carry none.
 */
class JobSelectorGenerationTest {

  private static final String JOBS = "/apis/batch/v1/namespaces/default/jobs";

  private final Handler h = new Handler();

  @AfterEach
  void close() {
    h.close();
  }

  private static String job(String metadata) {
    return json(
        "{'apiVersion':'batch/v1','kind':'Job','metadata':"
            + metadata
            + ",'spec':{'template':{'spec':{'restartPolicy':'Never',"
            + "'containers':[{'name':'c','image':'busybox'}]}}}}");
  }

  @Test
  void aJobWithoutASelectorGetsOneOnItsUid() {
    JsonNode job = h.post(JOBS, job("{'name':'pi'}")).expect(201).body();
    String uid = job.at("/metadata/uid").asText();
    assertThat(job.at("/spec/selector/matchLabels"))
        .isEqualTo(Handler.JSON.createObjectNode().put("batch.kubernetes.io/controller-uid", uid));
    JsonNode labels = job.at("/spec/template/metadata/labels");
    assertThat(labels.path("batch.kubernetes.io/controller-uid").asText()).isEqualTo(uid);
    assertThat(labels.path("controller-uid").asText()).isEqualTo(uid);
    assertThat(labels.path("batch.kubernetes.io/job-name").asText()).isEqualTo("pi");
    assertThat(labels.path("job-name").asText()).isEqualTo("pi");
    // Upstream's defaulting copies the template's labels to a Job that has none.
    assertThat(job.at("/metadata/labels/job-name").asText()).isEqualTo("pi");
    assertThat(job.has("status")).isFalse();
  }

  @Test
  void aGeneratedNameIsTheJobNameLabel() {
    JsonNode job = h.post(JOBS, job("{'generateName':'batch-'}")).expect(201).body();
    String name = job.at("/metadata/name").asText();
    assertThat(name).startsWith("batch-").hasSize("batch-".length() + 5);
    assertThat(job.at("/spec/template/metadata/labels/batch.kubernetes.io~1job-name").asText())
        .isEqualTo(name);
  }

  @Test
  void aManualSelectorIsLeftAlone() {
    String manual =
        json(
            "{'apiVersion':'batch/v1','kind':'Job','metadata':{'name':'m'},'spec':{"
                + "'manualSelector':true,'selector':{'matchLabels':{'app':'m'}},'template':{"
                + "'metadata':{'labels':{'app':'m'}},'spec':{'restartPolicy':'Never',"
                + "'containers':[{'name':'c','image':'busybox'}]}}}}");
    JsonNode job = h.post(JOBS, manual).expect(201).body();
    assertThat(job.at("/spec/selector/matchLabels").size()).isEqualTo(1);
    assertThat(job.at("/spec/template/metadata/labels").has("controller-uid")).isFalse();
  }
}
