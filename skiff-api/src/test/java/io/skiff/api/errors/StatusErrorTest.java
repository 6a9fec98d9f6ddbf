package io.skiff.api.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.api.ResourceRegistry;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusErrorTest {

  private final ResourceType deployments =
      ResourceRegistry.builtin().byResource("apps", "v1", "deployments").orElseThrow();
  private final ResourceType pods =
      ResourceRegistry.builtin().byResource("", "v1", "pods").orElseThrow();
  private final ObjectCodec codec = new ObjectCodec();

  @Test
  void notFoundNamesTheQualifiedResource() throws Exception {
    StatusError e = StatusError.notFound(deployments, "web");
    assertThat(e.code()).isEqualTo(404);
    assertThat(e.getMessage()).isEqualTo("deployments.apps \"web\" not found");
    assertThat(codec.mapper().readTree(codec.encode(e.status())))
        .isEqualTo(
            codec
                .mapper()
                .readTree(
                    "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"code\":404,\"details\":{\"group\":\"apps\","
                        + "\"kind\":\"deployments\",\"name\":\"web\"},\"message\":\"deployments.apps \\\"web\\\""
                        + " not found\",\"metadata\":{},\"reason\":\"NotFound\",\"status\":\"Failure\"}"));
    assertThat(StatusError.notFound(pods, "p").getMessage()).isEqualTo("pods \"p\" not found");
  }

  @Test
  void conflictUsesUpstreamsText() {
    assertThat(StatusError.conflict(deployments, "web").getMessage())
        .isEqualTo(
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been"
                + " modified; please apply your changes to the latest version and try again");
    assertThat(StatusError.alreadyExists(pods, "p").getMessage())
        .isEqualTo("pods \"p\" already exists");
  }

  @Test
  void invalidJoinsSeveralErrorsAndKeepsOneVerbatim() {
    StatusError one =
        StatusError.invalid(
            "Deployment",
            "apps",
            "web",
            List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            List.of(
                new StatusError.Cause(
                    "FieldValueInvalid",
                    "Invalid value: -1: must be greater than or equal to 0",
                    "spec.replicas")));
    assertThat(one.code()).isEqualTo(422);
    assertThat(one.getMessage())
        .isEqualTo(
            "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater"
                + " than or equal to 0");
    assertThat(one.status().getDetails().getKind()).isEqualTo("Deployment");
    assertThat(one.status().getDetails().getCauses().getFirst().getField())
        .isEqualTo("spec.replicas");

    StatusError two =
        StatusError.invalid(
            "Pod", "", "p", List.of("a: Required value", "b: Required value"), List.of());
    assertThat(two.getMessage())
        .isEqualTo("Pod \"p\" is invalid: [a: Required value, b: Required value]");
  }
}
