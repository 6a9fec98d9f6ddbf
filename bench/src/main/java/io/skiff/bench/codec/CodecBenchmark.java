package io.skiff.bench.codec;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.client.ModelCopy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding one running pod of a ReplicaSet (2 KB of JSON: labels, owner, one
 * container, default tolerations, five conditions, a container status) with the codec every write
 * and every in-process watch event goes through: in the 10,000-replica Deployment profile JSON
 * binding was a third of the process's CPU. And copying it, as decoding would, field by field or
 * through fabric8's builders.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

  private ObjectCodec codec;
  private Pod pod;
  private byte[] json;

  @Setup
  public void setUp() {
    codec = new ObjectCodec();
    json = RUNNING_POD.getBytes(StandardCharsets.UTF_8);
    pod = codec.decodeStored(json, Pod.class);
    json = codec.encode(pod);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(pod);
  }

  @Benchmark
  public Pod decode() {
    return codec.decodeStored(json, Pod.class);
  }

  /** A copy to change, as every control loop and the in-process transport make them. */
  @Benchmark
  public Pod deepCopy() {
    return ModelCopy.deep(pod);
  }

  /** The same copy through fabric8's builders, as {@code KubeObjects.deepCopy} made it before. */
  @Benchmark
  public Pod builderCopy() {
    return new PodBuilder(pod).build();
  }

  /** A pod of a ReplicaSet as `skiff up` served it once running, as JSON. */
  static final String RUNNING_POD =
      """
      {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
          "creationTimestamp": "2026-11-22T07:22:58Z",
          "generateName": "web-777b54dbd4-",
          "labels": {
            "app": "web",
            "pod-template-hash": "777b54dbd4"
          },
          "name": "web-777b54dbd4-drk7b",
          "namespace": "default",
          "ownerReferences": [
            {
              "apiVersion": "apps/v1",
              "blockOwnerDeletion": true,
              "controller": true,
              "kind": "ReplicaSet",
              "name": "web-777b54dbd4",
              "uid": "9c384156-2806-436a-b312-f47e2fd9c04b"
            }
          ],
          "resourceVersion": "36",
          "uid": "c86e11f6-1928-4790-9b10-00ae3eaa8a75"
        },
        "spec": {
          "containers": [
            {
              "image": "nginx:1.25",
              "imagePullPolicy": "IfNotPresent",
              "name": "nginx",
              "resources": {},
              "terminationMessagePath": "/dev/termination-log",
              "terminationMessagePolicy": "File"
            }
          ],
          "dnsPolicy": "ClusterFirst",
          "enableServiceLinks": true,
          "nodeName": "skiff-node-1",
          "restartPolicy": "Always",
          "schedulerName": "default-scheduler",
          "securityContext": {},
          "terminationGracePeriodSeconds": 30,
          "tolerations": [
            {
              "effect": "NoExecute",
              "key": "node.kubernetes.io/not-ready",
              "operator": "Exists",
              "tolerationSeconds": 300
            },
            {
              "effect": "NoExecute",
              "key": "node.kubernetes.io/unreachable",
              "operator": "Exists",
              "tolerationSeconds": 300
            }
          ]
        },
        "status": {
          "conditions": [
            {
              "lastTransitionTime": "2026-11-22T07:22:59Z",
              "status": "True",
              "type": "PodReadyToStartContainers"
            },
            {
              "lastTransitionTime": "2026-11-22T07:22:59Z",
              "status": "True",
              "type": "Initialized"
            },
            {
              "lastTransitionTime": "2026-11-22T07:23:00Z",
              "status": "True",
              "type": "Ready"
            },
            {
              "lastTransitionTime": "2026-11-22T07:23:00Z",
              "status": "True",
              "type": "ContainersReady"
            },
            {
              "lastTransitionTime": "2026-11-22T07:22:59Z",
              "status": "True",
              "type": "PodScheduled"
            }
          ],
          "containerStatuses": [
            {
              "containerID": "containerd://2a190476c13eb43f60f6da00e80badfa012536fa755d1b12f99dc3fafb96a248",
              "image": "docker.io/library/nginx:1.25",
              "imageID": "docker.io/library/nginx@sha256:e8ea19ce55bd2204d5e643d86f34e41ee58cbe0de09ae514ef5b72a4e087fc42",
              "lastState": {},
              "name": "nginx",
              "ready": true,
              "restartCount": 0,
              "started": true,
              "state": {
                "running": {
                  "startedAt": "2026-11-22T07:23:00Z"
                }
              }
            }
          ],
          "hostIP": "172.18.0.2",
          "hostIPs": [
            {
              "ip": "172.18.0.2"
            }
          ],
          "phase": "Running",
          "podIP": "10.244.0.2",
          "podIPs": [
            {
              "ip": "10.244.0.2"
            }
          ],
          "qosClass": "BestEffort",
          "startTime": "2026-11-22T07:22:59Z"
        }
      }
      """;
}
