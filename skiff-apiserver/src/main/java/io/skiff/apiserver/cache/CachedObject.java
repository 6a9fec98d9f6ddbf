package io.skiff.apiserver.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.apiserver.registry.SelectableFields;
import io.skiff.client.ModelCopy;
import io.skiff.store.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One object as the cache holds it: decoded once, with its resourceVersion, and shared by every
 * list and watch that returns it. Nobody may change {@link #object()}: in-process watchers that
 * read only are handed it as it is, others take a {@link #copy} ({@link CacheMutationDetector}
 * checks that in tests). Its JSON is encoded once, on first use, and then written to every HTTP
 * watcher and list as it is.
 */
public final class CachedObject {

  private final String key;
  private final HasMetadata object;
  private final long revision;
  private final ObjectCodec codec;
  private final boolean shared;
  private volatile byte[] json;
  // The JSON the object had when cached, for the mutation detector; null when it is off.
  private final byte[] pristine;

  private CachedObject(
      String key, HasMetadata object, long revision, ObjectCodec codec, boolean shared) {
    this.key = key;
    this.object = object;
    this.revision = revision;
    this.codec = codec;
    this.shared = shared;
    this.pristine = shared && CacheMutationDetector.enabled() ? codec.encode(object) : null;
  }

  /** Decodes a stored value; the object's resourceVersion becomes the key's modRevision. */
  static CachedObject decode(KeyValue kv, Class<? extends HasMetadata> type, ObjectCodec codec) {
    HasMetadata obj = codec.decodeStored(kv.value(), type);
    obj.getMetadata().setResourceVersion(String.valueOf(kv.modRevision()));
    return new CachedObject(kv.key(), obj, kv.modRevision(), codec, true);
  }

  /**
   * Wraps an object that nobody else holds (one just read from the store) for its one reader, who
   * may {@link #take()} it.
   */
  static CachedObject of(String key, HasMetadata object, ObjectCodec codec) {
    String rv = object.getMetadata().getResourceVersion();
    long revision = rv == null || rv.isEmpty() ? 0 : Long.parseLong(rv);
    return new CachedObject(key, object, revision, codec, false);
  }

  /** The store key. */
  public String key() {
    return key;
  }

  /** The shared object; read it, never change it. */
  public HasMetadata object() {
    return object;
  }

  /** The object's resourceVersion. */
  public long revision() {
    return revision;
  }

  /** The object as JSON, as every client is sent it. The array must not be changed. */
  public byte[] json() {
    byte[] j = json;
    if (j == null) {
      j = codec.encode(object);
      json = j;
    }
    return j;
  }

  /** A copy of the object that the caller owns. */
  public HasMetadata copy() {
    return codec.decodeStored(json(), object.getClass());
  }

  /**
   * The object for its reader to own: a copy of a cached one; the object itself when it was read
   * from the store for this reader alone.
   */
  public HasMetadata take() {
    return shared ? copy() : object;
  }

  /**
   * The object with another resourceVersion: what a DELETED event carries. It shares all but its
   * metadata's top level with this one; both are read only.
   */
  CachedObject withRevision(long rv) {
    HasMetadata variant = ModelCopy.shallow(object);
    ObjectMeta meta = ModelCopy.shallow(object.getMetadata());
    meta.setResourceVersion(String.valueOf(rv));
    variant.setMetadata(meta);
    return new CachedObject(key, variant, rv, codec, true);
  }

  /**
   * How the shared object differs from what it was when cached (both encodings), or null when it
   * does not or nothing was recorded.
   */
  String changeSincePristine() {
    if (pristine == null) {
      return null;
    }
    byte[] now = codec.encode(object);
    if (Arrays.equals(now, pristine)) {
      return null;
    }
    return "was "
        + new String(pristine, StandardCharsets.UTF_8)
        + ", is "
        + new String(now, StandardCharsets.UTF_8);
  }

  boolean matches(String keyPrefix, LabelSelector labels, FieldSelector fields) {
    if (!key.startsWith(keyPrefix)) {
      return false;
    }
    if (labels != null
        && !labels.isEverything()
        && !labels.matches(object.getMetadata().getLabels())) {
      return false;
    }
    return fields == null || fields.isEverything() || fields.matches(SelectableFields.of(object));
  }
}
