package io.skiff.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.skiff.api.ResourceType;
import java.util.Objects;

/**
 * What the garbage collector knows an object by: the coordinates an owner reference names it with
 * (apiVersion, kind, name, uid) plus a namespace (upstream's {@code objectReference}). A virtual
 * owner, known only from its dependents' references, takes the namespace of the dependent that
 * named it; lookups drop it for cluster-scoped kinds.
 *
 * @param namespace empty for cluster-scoped objects
 */
record ObjectIdentity(String apiVersion, String kind, String name, String uid, String namespace) {

  ObjectIdentity {
    apiVersion = nz(apiVersion);
    kind = nz(kind);
    name = nz(name);
    uid = nz(uid);
    namespace = nz(namespace);
  }

  /** The identity of an object of {@code type}, as its informer delivered it. */
  static ObjectIdentity of(ResourceType type, HasMetadata obj) {
    return new ObjectIdentity(
        type.apiVersion(),
        type.kind(),
        obj.getMetadata().getName(),
        obj.getMetadata().getUid(),
        obj.getMetadata().getNamespace());
  }

  /** The owner {@code ref} names, seen from a dependent in {@code namespace}. */
  static ObjectIdentity of(OwnerReference ref, String namespace) {
    return new ObjectIdentity(
        ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getUid(), namespace);
  }

  /** Whether {@code ref} names this object with the same apiVersion, kind, name and uid. */
  boolean matchesCoordinates(OwnerReference ref) {
    return uid.equals(nz(ref.getUid()))
        && name.equals(nz(ref.getName()))
        && kind.equals(nz(ref.getKind()))
        && apiVersion.equals(nz(ref.getApiVersion()));
  }

  /** The same object seen from {@code otherNamespace}. */
  ObjectIdentity inNamespace(String otherNamespace) {
    return Objects.equals(namespace, nz(otherNamespace))
        ? this
        : new ObjectIdentity(apiVersion, kind, name, uid, otherNamespace);
  }

  /** As upstream logs it. */
  @Override
  public String toString() {
    return "["
        + apiVersion
        + "/"
        + kind
        + ", namespace: "
        + namespace
        + ", name: "
        + name
        + ", uid: "
        + uid
        + "]";
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
