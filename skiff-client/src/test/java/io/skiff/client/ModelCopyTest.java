package io.skiff.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.api.ResourceRegistry;
import io.skiff.api.codec.MalformedBodyException;
import io.skiff.api.codec.ObjectCodec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelCopyTest {

  private static final ObjectCodec CODEC = new ObjectCodec();

  /** A running pod as the API server stores it, with an unknown field of each JSON shape. */
  private static final String POD =
      """
      {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-5d8f9c7b6-x2k9p",
       "generateName":"web-5d8f9c7b6-","namespace":"default","uid":"5b1f1e0a",
       "creationTimestamp":"2026-11-22T10:00:00Z",
       "labels":{"app":"web","pod-template-hash":"5d8f9c7b6"},
       "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d8f9c7b6",
         "uid":"0a1b2c3d","controller":true,"blockOwnerDeletion":true}]},
      "spec":{"containers":[{"name":"nginx","image":"nginx:1.23.1",
         "ports":[{"containerPort":80,"protocol":"TCP"}],
         "resources":{"limits":{"cpu":"100m","memory":"64Mi"},"requests":{"cpu":"50m"}},
         "readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":5},
         "livenessProbe":{"tcpSocket":{"port":8080}},
         "x-unknown":{"nested":[1,2.5,"three",true,null,{"deep":["x"]}]}}],
       "nodeName":"node-17","terminationGracePeriodSeconds":30,
       "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists",
         "effect":"NoExecute","tolerationSeconds":300}]},
      "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True",
         "lastTransitionTime":"2026-11-22T10:00:03Z"}],
       "podIPs":[{"ip":"10.244.17.5"}],
       "containerStatuses":[{"name":"nginx","state":{"running":{"startedAt":"2026-11-22T10:00:02Z"}},
         "ready":true,"restartCount":0,"image":"nginx:1.23.1","started":true}]}}
      """;

  private static <T> T decode(String json, Class<T> type) {
    return CODEC.decodeStored(json.getBytes(StandardCharsets.UTF_8), type);
  }

  @Test
  void aShallowCopyIsANewObjectSharingEveryFieldsValue() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withResourceVersion("7")
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("n1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    pod.setAdditionalProperty("x-unknown", "kept");

    Pod copy = ModelCopy.shallow(pod);
    assertThat(copy).isNotSameAs(pod).isEqualTo(pod);
    assertThat(copy.getMetadata()).isSameAs(pod.getMetadata());
    assertThat(copy.getSpec()).isSameAs(pod.getSpec());
    assertThat(copy.getStatus()).isSameAs(pod.getStatus());
    assertThat(copy.getAdditionalProperties()).isSameAs(pod.getAdditionalProperties());

    ObjectMeta meta = ModelCopy.shallow(pod.getMetadata());
    meta.setResourceVersion("9");
    assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(meta.getLabels()).isSameAs(pod.getMetadata().getLabels());
  }

  @Test
  void aDeepCopyEncodesAsTheOriginalAndSharesNothingMutable() {
    for (KubernetesResource original :
        List.of(
            decode(POD, Pod.class),
            withTree(decode(POD, Pod.class)),
            Fixtures.deployment("ns", "web", 3))) {
      KubernetesResource copy = ModelCopy.deep(original);

      assertThat(copy).isNotSameAs(original).isEqualTo(original);
      assertThat(new String(CODEC.encode(copy), StandardCharsets.UTF_8))
          .isEqualTo(new String(CODEC.encode(original), StandardCharsets.UTF_8));
      Set<Object> shared = mutableParts(original);
      shared.retainAll(mutableParts(copy));
      assertThat(shared).as("objects both share").isEmpty();
    }
  }

  @Test
  void changingADeepCopyLeavesTheOriginalAsItWas() {
    Pod original = decode(POD, Pod.class);
    Pod copy = ModelCopy.deep(original);

    copy.getMetadata().getLabels().put("x", "y");
    copy.getSpec().getContainers().getFirst().getResources().getLimits().get("cpu").setAmount("1");
    copy.getSpec()
        .getContainers()
        .getFirst()
        .getReadinessProbe()
        .getHttpGet()
        .getPort()
        .setValue(9);
    @SuppressWarnings("unchecked")
    Map<String, Object> unknown =
        (Map<String, Object>)
            copy.getSpec().getContainers().getFirst().getAdditionalProperties().get("x-unknown");
    ((List<?>) unknown.get("nested")).clear();

    assertThat(CODEC.encode(original)).isEqualTo(CODEC.encode(decode(POD, Pod.class)));
  }

  /**
   * Every type a field of a served kind can hold, through every nested model class, is one {@link
   * ModelCopy#deep} copies: a fabric8 upgrade that brings a new value type (as {@code Lease}'s
   * {@code ZonedDateTime}) fails here, not in the first copy of such an object.
   */
  @Test
  void everyFieldTypeOfEveryServedKindIsCopied() {
    Set<Class<?>> seen = new HashSet<>();
    ArrayDeque<Type> todo = new ArrayDeque<>();
    ResourceRegistry.builtin().all().forEach(t -> todo.add(t.type()));
    List<String> refused = new ArrayList<>();
    while (!todo.isEmpty()) {
      Type t = todo.poll();
      if (t instanceof ParameterizedType p) {
        todo.add(p.getRawType());
        todo.addAll(List.of(p.getActualTypeArguments()));
        continue;
      }
      if (!(t instanceof Class<?> c) || c.isPrimitive() || !seen.add(c)) {
        continue; // type variables and wildcards: their bounds are among the kinds walked
      }
      if (c == Object.class || c.isInterface() || c.getPackageName().equals("java.util")) {
        // Free values (decoded as maps, lists and scalars), interfaces such as HasMetadata (their
        // kinds are walked), and the collections, whose element types are walked.
        continue;
      }
      if (!ModelCopy.copies(c)) {
        refused.add(c.getName());
        continue;
      }
      if (!c.getPackageName().startsWith("io.fabric8.")) {
        continue; // shared as immutable, or copied whole (a byte array, a JSON tree)
      }
      for (Class<?> k = c; k != Object.class && k != null; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) {
            todo.add(f.getGenericType());
          }
        }
      }
    }
    assertThat(seen).hasSizeGreaterThan(200);
    assertThat(refused).isEmpty();
  }

  @Test
  void immutableJdkValuesAreShared() {
    Pod pod = decode(POD, Pod.class);
    java.time.Duration ttl = java.time.Duration.ofMinutes(5);
    pod.setAdditionalProperty("x-ttl", new io.fabric8.kubernetes.api.model.Duration(ttl));
    pod.setAdditionalProperty("x-big", new BigDecimal("1.5"));

    Pod copy = ModelCopy.deep(pod);
    io.fabric8.kubernetes.api.model.Duration copied =
        (io.fabric8.kubernetes.api.model.Duration) copy.getAdditionalProperties().get("x-ttl");
    assertThat(copied).isNotSameAs(pod.getAdditionalProperties().get("x-ttl"));
    assertThat(copied.getDuration()).isSameAs(ttl);
    assertThat(copy.getAdditionalProperties().get("x-big"))
        .isSameAs(pod.getAdditionalProperties().get("x-big"));
  }

  @Test
  void aValueThatIsNoModelValueIsRefusedByName() {
    Pod pod = decode(POD, Pod.class);
    pod.setAdditionalProperty("x-thread", new StringBuilder("mutable"));

    assertThatThrownBy(() -> ModelCopy.deep(pod))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.StringBuilder");
  }

  /** {@code pod} with a JSON tree among its unknown fields, as a schema's free JSON is held. */
  private static Pod withTree(Pod pod) {
    try {
      pod.setAdditionalProperty(
          "x-tree", CODEC.parseAny("{\"a\":[1,{\"b\":\"c\"}]}".getBytes(StandardCharsets.UTF_8)));
    } catch (MalformedBodyException e) {
      throw new AssertionError(e);
    }
    return pod;
  }

  /** Every model object, collection and JSON tree reachable from {@code root}, by identity. */
  private static Set<Object> mutableParts(Object root) {
    Set<Object> parts = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(root, parts);
    return parts;
  }

  private static void collect(Object v, Set<Object> parts) {
    switch (v) {
      case null -> {}
      case JsonNode tree -> parts.add(tree);
      case Iterable<?> items -> {
        parts.add(items);
        items.forEach(item -> collect(item, parts));
      }
      case Map<?, ?> map -> {
        parts.add(map);
        map.values().forEach(value -> collect(value, parts));
      }
      case KubernetesResource model -> {
        parts.add(model);
        for (Class<?> c = model.getClass(); c != Object.class; c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
              f.setAccessible(true);
              try {
                collect(f.get(model), parts);
              } catch (IllegalAccessException e) {
                throw new AssertionError(e);
              }
            }
          }
        }
      }
      default -> {
        // strings, numbers, booleans, enums: immutable, shared by design
      }
    }
  }
}
