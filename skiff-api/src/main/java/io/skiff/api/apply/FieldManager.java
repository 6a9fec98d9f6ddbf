package io.skiff.api.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.skiff.api.ResourceType;
import io.skiff.api.apply.Updater.Applied;
import io.skiff.api.apply.Updater.Conflict;
import io.skiff.api.apply.Updater.ConflictsException;
import io.skiff.api.apply.Updater.VersionedSet;
import io.skiff.api.codec.MalformedBodyException;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.defaults.Defaulter;
import io.skiff.api.errors.StatusError;
import io.skiff.api.validation.FieldError;
import io.skiff.api.validation.FieldPath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Server-side apply and {@code metadata.managedFields}, as kube-apiserver's field manager does
 * them: every create, update and patch records which manager set which fields, and an apply merges
 * a configuration by the schema's list types, prunes the fields its manager stopped applying and
 * refuses (409) to change fields another manager owns, unless forced.
 *
 * <p>The layers of upstream's {@code NewDefaultFieldManager} appear as methods, outermost first:
 * version check, the client-side-apply annotation ({@code kubectl} only), tracking from the first
 * apply, the cap of ten update entries, manager identities, timestamps, and the stripping of
 * metadata from field sets.
 */
public final class FieldManager {

  /** Upstream's cap on fieldManager names, and on the name derived from a User-Agent. */
  static final int MAX_MANAGER_LENGTH = 128;

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final int MAX_UPDATE_MANAGERS = 10;
  private static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;
  private static final ManagerId CURRENT_OPERATION = new ManagerId("current-operation", "", "", "");
  private static final String BEFORE_FIRST_APPLY = "before-first-apply";
  private static final String ANCIENT_CHANGES = "ancient-changes";
  private static final List<PathElement> REPLICAS = path("spec", "replicas");

  /** Never owned by anyone: type and object metadata the server manages. */
  private static final FieldSet STRIPPED =
      FieldSet.of(
          List.of(
              path("apiVersion"),
              path("kind"),
              path("metadata"),
              path("metadata", "name"),
              path("metadata", "namespace"),
              path("metadata", "creationTimestamp"),
              path("metadata", "selfLink"),
              path("metadata", "uid"),
              path("metadata", "clusterName"),
              path("metadata", "generation"),
              path("metadata", "managedFields"),
              path("metadata", "resourceVersion")));

  private static final AtomicBoolean WARMING = new AtomicBoolean();

  private final ObjectCodec codec;
  private final Supplier<Instant> clock;

  /**
   * @param clock the time of the writes, which managedFields record at second precision
   */
  public FieldManager(ObjectCodec codec, Supplier<Instant> clock) {
    this.codec = codec;
    this.clock = clock;
    // Loading the schema takes a second or more on a busy machine: start it now, off the request
    // path, instead of in the first write, which clients give ten seconds or so.
    if (WARMING.compareAndSet(false, true)) {
      Thread.ofVirtual().name("skiff-apply-schema").start(Schema::builtin);
    }
  }

  private static List<PathElement> path(String... fields) {
    List<PathElement> p = new ArrayList<>();
    for (String f : fields) {
      p.add(new PathElement.Field(f));
    }
    return List.copyOf(p);
  }

  // ---- request options ----

  /**
   * The manager of a non-apply write: the {@code fieldManager} parameter, else the User-Agent up to
   * its first {@code /} (printable characters, at most 128 bytes), as upstream derives it.
   */
  public static String managerFor(String fieldManager, String userAgent) {
    if (fieldManager != null && !fieldManager.isEmpty()) {
      return fieldManager;
    }
    if (userAgent == null) {
      return "";
    }
    String product = userAgent.split("/", -1)[0];
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < product.length(); ) {
      int c = product.codePointAt(i);
      i += Character.charCount(c);
      if (!isPrintable(c)) {
        continue;
      }
      int size = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_MANAGER_LENGTH) {
        break;
      }
      bytes += size;
      out.appendCodePoint(c);
    }
    return out.toString();
  }

  /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  private static boolean isPrintable(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.UNASSIGNED,
          Character.CONTROL,
          Character.FORMAT,
          Character.PRIVATE_USE,
          Character.SURROGATE,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }

  /**
   * Upstream's checks of {@code fieldManager} and {@code force} in {@code ValidateCreateOptions},
   * {@code ValidateUpdateOptions} and {@code ValidatePatchOptions}.
   *
   * @param optionsKind {@code CreateOptions}, {@code UpdateOptions} or {@code PatchOptions}
   * @param force the {@code force} parameter as sent, or {@code null}
   * @param apply whether the write is a server-side apply
   * @throws StatusError 422 Invalid about the options
   */
  public static void checkOptions(
      String optionsKind, String fieldManager, String force, boolean apply) {
    List<FieldError> errs = new ArrayList<>();
    String manager = fieldManager == null ? "" : fieldManager;
    if (!apply && force != null) {
      errs.add(
          FieldError.forbidden(FieldPath.of("force"), "may not be specified for non-apply patch"));
    }
    if (apply && manager.isEmpty()) {
      errs.add(FieldError.required(FieldPath.of("fieldManager"), "is required for apply patch"));
    }
    if (manager.getBytes(StandardCharsets.UTF_8).length > MAX_MANAGER_LENGTH) {
      errs.add(FieldError.tooLong(FieldPath.of("fieldManager"), MAX_MANAGER_LENGTH));
    }
    int position = 0;
    for (int i = 0; i < manager.length(); ) {
      int c = manager.codePointAt(i);
      if (!isPrintable(c)) {
        errs.add(
            FieldError.invalid(
                FieldPath.of("fieldManager"),
                manager,
                String.format("invalid character U+%04X (at position %d)", c, position)));
      }
      position += new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
      i += Character.charCount(c);
    }
    if (!errs.isEmpty()) {
      throw StatusError.invalid(
          optionsKind,
          "meta.k8s.io",
          "",
          errs.stream().map(FieldError::toString).toList(),
          errs.stream().map(e -> new StatusError.Cause(e.reason(), e.body(), e.field())).toList());
    }
  }

  /**
   * The {@code force} parameter of an apply, parsed as Go's strconv.ParseBool.
   *
   * @throws StatusError 400 for anything else
   */
  public static boolean parseForce(String force) {
    if (force == null) {
      return false;
    }
    return switch (force) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default ->
          throw StatusError.badRequest(
              "strconv.ParseBool: parsing " + Values.goQuote(force) + ": invalid syntax");
    };
  }

  // ---- non-apply writes ----

  /**
   * Records a create by {@code manager} in {@code obj}'s managedFields: every field it sets,
   * defaults included, as upstream decodes a body with its defaults before it records it. Only the
   * managedFields of {@code obj} change: the storage defaults it in its own order.
   *
   * @param requested the request's {@code metadata.managedFields} as sent ({@code null} if absent);
   *     an empty list or a single empty entry resets them
   */
  public void recordCreate(ResourceType type, HasMetadata obj, JsonNode requested, String manager) {
    ObjectNode zero = Context.of(type, "").schema.zeroObject(type.apiVersion(), type.kind());
    record(type, zero, obj, defaulted(obj), requested, manager, "");
  }

  /**
   * Records an update, patch or {@code /status} write of {@code next} over {@code live} by {@code
   * manager} in {@code next}'s managedFields. Managed fields a client sends replace the recorded
   * ones when they are valid (kubectl rewrites them when it moves client-side apply ownership to
   * server-side apply); invalid ones are ignored, and through a subresource they always are. A
   * {@code /status} body is not defaulted: its spec is the stored one's, already defaulted.
   */
  public void recordUpdate(
      ResourceType type,
      HasMetadata live,
      HasMetadata next,
      JsonNode requested,
      String manager,
      String subresource) {
    ObjectNode nextTree = subresource.isEmpty() ? defaulted(next) : codec.toTree(next);
    record(type, codec.toTree(live), next, nextTree, requested, manager, subresource);
  }

  /** The object's tree with upstream's defaults, the object itself unchanged. */
  private ObjectNode defaulted(HasMetadata obj) {
    HasMetadata copy = codec.decodeStored(codec.encode(obj), obj.getClass());
    Defaulter.apply(copy);
    return codec.toTree(copy);
  }

  private void record(
      ResourceType type,
      ObjectNode liveTree,
      HasMetadata next,
      ObjectNode nextTree,
      JsonNode requested,
      String manager,
      String subresource) {
    ArrayNode entries;
    try {
      Context ctx = Context.of(type, subresource);
      Managed managed = liveOrRequested(liveTree, requested, !subresource.isEmpty());
      entries = update(ctx, liveTree, nextTree, managed, manager).encode();
      entries = keepTimesIfOnlyTimesChanged(ctx, liveTree, nextTree, entries);
    } catch (RuntimeException e) {
      // Upstream's UpdateNoErrors: never fail a write over its bookkeeping, never store garbage.
      entries = null;
    }
    next.getMetadata().setManagedFields(toEntries(entries));
  }

  /**
   * Records a write of {@code spec.replicas} through {@code /scale}: the writer takes the field
   * from its owners, in an entry of its own ({@code subresource: scale}, without a time, as
   * upstream's scale handler leaves it). Nothing is recorded when nobody owned the field, or when
   * the count did not change.
   */
  public void recordScale(ResourceType type, HasMetadata live, HasMetadata next, String manager) {
    ObjectNode liveTree = codec.toTree(live);
    JsonNode before = liveTree.at("/spec/replicas");
    JsonNode after = codec.toTree(next).at("/spec/replicas");
    if (Values.equal(before, after)) {
      return;
    }
    Managed managed;
    try {
      managed = Managed.decode(liveTree.at("/metadata/managedFields"));
    } catch (IllegalArgumentException e) {
      return;
    }
    boolean owned = false;
    Managed out = Managed.empty();
    FieldSet replicas = FieldSet.of(List.of(REPLICAS));
    for (Map.Entry<ManagerId, VersionedSet> e : managed.fields().entrySet()) {
      VersionedSet vs = e.getValue();
      if (!vs.apiVersion().equals(type.apiVersion())) {
        continue;
      }
      FieldSet set = vs.set();
      if (set.has(REPLICAS)) {
        owned = true;
        set = set.difference(replicas);
      }
      if (!set.isEmpty()) {
        out.fields().put(e.getKey(), new VersionedSet(set, vs.apiVersion(), vs.applied()));
        if (managed.times().containsKey(e.getKey())) {
          out.times().put(e.getKey(), managed.times().get(e.getKey()));
        }
      }
    }
    if (!owned) {
      return;
    }
    ManagerId scaler =
        ManagerId.of(orUnknown(manager), ManagerId.UPDATE, type.apiVersion(), "scale");
    out.fields().put(scaler, new VersionedSet(replicas, type.apiVersion(), false));
    out.times().remove(scaler);
    next.getMetadata().setManagedFields(toEntries(out.encode()));
  }

  /** Upstream's decodeLiveOrNew: which managed fields an update starts from. */
  private static Managed liveOrRequested(
      ObjectNode live, JsonNode requested, boolean ignoreRequested) {
    if (!ignoreRequested) {
      if (isReset(requested)) {
        return Managed.empty();
      }
      try {
        Managed fromRequest = Managed.decode(requested);
        if (!fromRequest.isEmpty()) {
          return fromRequest;
        }
      } catch (IllegalArgumentException e) {
        // Clients that do not understand managedFields must not be able to corrupt them.
      }
    }
    try {
      return Managed.decode(live.at("/metadata/managedFields"));
    } catch (IllegalArgumentException e) {
      return Managed.empty();
    }
  }

  /** An empty list, or a single entry with nothing set, asks for the managed fields to be reset. */
  private static boolean isReset(JsonNode requested) {
    if (requested == null || !requested.isArray()) {
      return false;
    }
    if (requested.isEmpty()) {
      return true;
    }
    if (requested.size() != 1 || !requested.get(0).isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : requested.get(0).properties()) {
      JsonNode v = e.getValue();
      if (!v.isNull() && !(v.isTextual() && v.textValue().isEmpty())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The update layers: no tracking starts on an existing object that has none (only on create or
   * apply); the write is recorded under {@code current-operation} first, so that what the manager
   * owned before is compared like any other manager's, then merged into its entry with a new time
   * if it changed anything; the cap on update entries applies last.
   */
  private Managed update(
      Context ctx, ObjectNode live, ObjectNode next, Managed managed, String manager) {
    if (managed.isEmpty() && !live.at("/metadata/uid").asText("").isEmpty()) {
      return Managed.empty();
    }
    ManagerId id = ManagerId.of(orUnknown(manager), ManagerId.UPDATE, ctx.version, ctx.subresource);
    Managed out = updateAs(ctx, live, next, managed, CURRENT_OPERATION);
    VersionedSet current = out.fields().remove(CURRENT_OPERATION);
    if (current != null) {
      VersionedSet previous = out.fields().get(id);
      FieldSet set = previous == null ? current.set() : current.set().union(previous.set());
      out.fields().put(id, new VersionedSet(set, current.apiVersion(), current.applied()));
      out.times().put(id, now());
    }
    return capUpdateManagers(out);
  }

  private Managed updateAs(
      Context ctx, ObjectNode live, ObjectNode next, Managed managed, ManagerId manager) {
    Map<ManagerId, VersionedSet> fields =
        ctx.updater.update(
            withoutManagedFields(live), withoutManagedFields(next), managed.fields(), manager);
    strip(fields, manager);
    Managed out = new Managed(new TreeMap<>(fields), new LinkedHashMap<>(managed.times()));
    out.times().keySet().retainAll(fields.keySet());
    return out;
  }

  private static void strip(Map<ManagerId, VersionedSet> fields, ManagerId manager) {
    VersionedSet vs = fields.get(manager);
    if (vs == null) {
      return;
    }
    FieldSet set = vs.set().difference(STRIPPED);
    if (set.isEmpty()) {
      fields.remove(manager);
    } else {
      fields.put(manager, new VersionedSet(set, vs.apiVersion(), vs.applied()));
    }
  }

  /**
   * More than ten update entries: the oldest are merged, per API version, into an {@code
   * ancient-changes} entry.
   */
  private static Managed capUpdateManagers(Managed managed) {
    List<ManagerId> updaters = new ArrayList<>();
    managed
        .fields()
        .forEach(
            (id, vs) -> {
              if (!vs.applied()) {
                updaters.add(id);
              }
            });
    if (updaters.size() <= MAX_UPDATE_MANAGERS) {
      return managed;
    }
    updaters.sort(
        (a, b) -> {
          long ta = seconds(managed.times().get(a));
          long tb = seconds(managed.times().get(b));
          return ta != tb ? Long.compare(ta, tb) : a.identifier().compareTo(b.identifier());
        });
    Map<String, ManagerId> firstOfVersion = new LinkedHashMap<>();
    int length = updaters.size();
    for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
      ManagerId id = updaters.get(i);
      VersionedSet vs = managed.fields().get(id);
      Instant time = managed.times().get(id);
      String version = vs.apiVersion();
      ManagerId bucket = ManagerId.of(ANCIENT_CHANGES, ManagerId.UPDATE, version, "");
      ManagerId first = firstOfVersion.get(version);
      if (first == null) {
        firstOfVersion.put(version, id);
        continue;
      }
      if (!managed.fields().containsKey(bucket)) {
        managed.fields().put(bucket, managed.fields().remove(first));
        managed.times().remove(first);
      }
      VersionedSet b = managed.fields().get(bucket);
      managed
          .fields()
          .put(bucket, new VersionedSet(vs.set().union(b.set()), vs.apiVersion(), vs.applied()));
      managed.fields().remove(id);
      managed.times().remove(id);
      length--;
      if (time == null) {
        managed.times().remove(bucket);
      } else {
        managed.times().put(bucket, time);
      }
    }
    return managed;
  }

  private static long seconds(Instant t) {
    return t == null ? 0 : t.getEpochSecond();
  }

  // ---- apply ----

  /** The result of an apply: the object to store, and warnings for the response. */
  public record Result(HasMetadata object, List<String> warnings) {}

  /**
   * Applies {@code config} for {@code manager} to {@code live}, or to a new object when {@code
   * live} is {@code null}, and returns the object to store with its managed fields.
   *
   * @param subresource {@code ""}, or {@code "status"}
   * @param fieldValidation {@code Strict}, {@code Warn} or {@code Ignore}: what a duplicate key in
   *     the body makes
   * @throws StatusError 409 Conflict for fields another manager owns with another value (unless
   *     {@code force}), 400 for a configuration that does not fit the kind
   */
  public Result apply(
      ResourceType type,
      HasMetadata live,
      ApplyConfig config,
      String manager,
      boolean force,
      String subresource,
      String namespace,
      String name,
      String fieldValidation) {
    Context ctx = Context.of(type, subresource);
    ObjectNode liveTree =
        live == null ? ctx.schema.zeroObject(type.apiVersion(), type.kind()) : codec.toTree(live);
    Managed managed;
    try {
      managed = Managed.decode(liveTree.at("/metadata/managedFields"));
    } catch (IllegalArgumentException e) {
      managed = Managed.empty();
    }
    checkKind(type, config.object());
    Outcome outcome;
    try {
      outcome = applyWithLastApplied(ctx, liveTree, config.object(), managed, manager, force);
    } catch (ConflictsException e) {
      throw conflictError(e.conflicts());
    }
    ObjectNode result = outcome.object();
    ObjectNode meta = metadata(result);
    meta.remove("managedFields");
    if (live == null) {
      String uid = meta.path("uid").asText("");
      if (!uid.isEmpty()) {
        throw StatusError.conflict(
            type,
            name,
            "uid mismatch: the provided object specified uid "
                + uid
                + ", and no existing object was found");
      }
    }
    checkNamespaceAndName(type, meta, namespace, name);
    List<String> warnings = new ArrayList<>();
    if (config.duplicateKeys() != null) {
      if (fieldValidation.equals("Strict")) {
        throw StatusError.badRequest("error strict decoding YAML: " + config.duplicateKeys());
      }
      if (fieldValidation.equals("Warn")) {
        warnings.add(config.duplicateKeys());
      }
    }
    HasMetadata obj;
    try {
      obj = codec.toObject(result, type.type());
    } catch (MalformedBodyException e) {
      throw StatusError.badRequest(e.getMessage());
    }
    ArrayNode entries =
        keepTimesIfOnlyTimesChanged(ctx, liveTree, defaulted(obj), outcome.managed().encode());
    obj.getMetadata().setManagedFields(toEntries(entries));
    return new Result(obj, warnings);
  }

  private record Outcome(ObjectNode object, Managed managed) {}

  /** Upstream's versionCheckManager: the body must be of the endpoint's kind and version. */
  private static void checkKind(ResourceType type, ObjectNode config) {
    String apiVersion = config.path("apiVersion").asText("");
    String kind = config.path("kind").asText("");
    if (!apiVersion.equals(type.apiVersion()) || !kind.equals(type.kind())) {
      int slash = apiVersion.indexOf('/');
      String group = slash < 0 ? "" : apiVersion.substring(0, slash);
      String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
      throw StatusError.badRequest(
          "invalid object type: " + group + "/" + version + ", Kind=" + kind);
    }
  }

  /**
   * The client-side-apply layers, for manager {@code kubectl} only: conflicts with fields the live
   * object's last-applied annotation shows the same values for are overridden (an object moving
   * from {@code kubectl apply} to {@code kubectl apply --server-side}), and an existing annotation
   * is rewritten from the applied configuration.
   */
  private Outcome applyWithLastApplied(
      Context ctx,
      ObjectNode live,
      ObjectNode config,
      Managed managed,
      String manager,
      boolean force)
      throws ConflictsException {
    Outcome out;
    try {
      out = applyTracked(ctx, live, config, managed, manager, force);
    } catch (ConflictsException e) {
      if (!manager.equals("kubectl")) {
        throw e;
      }
      FieldSet allowed = allowedConflictsFromLastApplied(ctx, live);
      if (allowed == null) {
        throw e;
      }
      List<Conflict> remaining = new ArrayList<>();
      for (Conflict c : e.conflicts()) {
        if (!allowed.has(c.path())) {
          remaining.add(c);
        }
      }
      if (!remaining.isEmpty()) {
        throw new ConflictsException(remaining);
      }
      out = applyTracked(ctx, live, config, managed, manager, true);
    }
    if (manager.equals("kubectl")) {
      JsonNode annotation = out.object().at("/metadata/annotations").get(LAST_APPLIED);
      if (annotation != null && !annotation.asText("").isEmpty()) {
        setLastApplied(out.object(), buildLastApplied(config));
      }
    }
    return out;
  }

  /** The fields of the last-applied configuration that still hold its values in the live object. */
  private FieldSet allowedConflictsFromLastApplied(Context ctx, ObjectNode live) {
    String annotation = live.at("/metadata/annotations").path(LAST_APPLIED).asText("");
    if (annotation.isEmpty()) {
      return null;
    }
    JsonNode lastApplied;
    try {
      lastApplied = codec.mapper().readTree(annotation);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (lastApplied == null
        || !lastApplied.isObject()
        || !lastApplied.path("apiVersion").asText("").equals(ctx.version)
        || !ctx.typed.validate(lastApplied, ctx.type).isEmpty()) {
      return null;
    }
    FieldSet set = ctx.typed.toFieldSet(lastApplied, ctx.type);
    Typed.Comparison c =
        ctx.typed.compare(lastApplied, ctx.typed.materialize(live, ctx.type), ctx.type);
    return set.difference(c.modified()).difference(c.added()).difference(c.removed());
  }

  /** The configuration without the annotation, as Go's encoding/json writes it, and a newline. */
  private static String buildLastApplied(ObjectNode config) {
    ObjectNode copy = config.deepCopy();
    JsonNode annotations = copy.at("/metadata/annotations");
    if (annotations instanceof ObjectNode a) {
      a.remove(LAST_APPLIED);
    }
    return Values.goJson(copy) + "\n";
  }

  /** Sets the annotation, unless the annotations would then exceed upstream's 256 KiB. */
  private static void setLastApplied(ObjectNode obj, String value) {
    ObjectNode meta = metadata(obj);
    ObjectNode annotations =
        meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
    annotations.put(LAST_APPLIED, value);
    long size = 0;
    for (Map.Entry<String, JsonNode> e : annotations.properties()) {
      size += e.getKey().length() + e.getValue().asText("").length();
    }
    if (size > MAX_ANNOTATIONS_BYTES) {
      annotations.remove(LAST_APPLIED);
    }
  }

  /**
   * Tracking from the first apply: an object nobody manages yet has its current fields given to
   * {@code before-first-apply}, so that the applier conflicts with them like with any manager.
   */
  private Outcome applyTracked(
      Context ctx,
      ObjectNode live,
      ObjectNode config,
      Managed managed,
      String manager,
      boolean force)
      throws ConflictsException {
    Managed start = managed;
    if (managed.isEmpty()) {
      ObjectNode zero = ctx.schema.zeroObject(ctx.version, ctx.kind);
      start = update(ctx, zero, live, managed, BEFORE_FIRST_APPLY);
    }
    return applyAs(ctx, live, config, start, manager, force);
  }

  /** The structured merge of an apply, its manager's identity, time and stripped field set. */
  private Outcome applyAs(
      Context ctx,
      ObjectNode live,
      ObjectNode config,
      Managed managed,
      String manager,
      boolean force)
      throws ConflictsException {
    ManagerId id = ManagerId.of(manager, ManagerId.APPLY, ctx.version, ctx.subresource);
    JsonNode managedFields = config.at("/metadata/managedFields");
    if (managedFields.isArray()) {
      throw StatusError.badRequest("metadata.managedFields must be nil");
    }
    List<String> errors = ctx.typed.validate(config, ctx.type);
    if (!errors.isEmpty()) {
      String reason =
          errors.size() == 1 ? errors.getFirst() : "errors:\n  " + String.join("\n  ", errors);
      throw StatusError.badRequest(
          "failed to create typed patch object ("
              + config.at("/metadata/namespace").asText("")
              + "/"
              + config.at("/metadata/name").asText("")
              + "; "
              + gvk(ctx.version, ctx.kind)
              + "): "
              + reason);
    }
    ObjectNode liveWithout = withoutManagedFields(live);
    Applied applied = ctx.updater.apply(liveWithout, config, managed.fields(), id, force);
    Map<ManagerId, VersionedSet> fields = new TreeMap<>(applied.managers());
    strip(fields, id);
    Managed out = new Managed(fields, new LinkedHashMap<>(managed.times()));
    out.times().keySet().retainAll(fields.keySet());
    ObjectNode object;
    if (applied.object() == null) {
      object = liveWithout;
    } else {
      out.times().put(id, now());
      object = (ObjectNode) applied.object();
    }
    return new Outcome(object.deepCopy(), out);
  }

  private static String gvk(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    return (slash < 0 ? "/" + apiVersion : apiVersion) + ", Kind=" + kind;
  }

  /**
   * Upstream's checks of an applied object against the request: the namespace is the request's
   * (filled in when missing), the name the URL's.
   */
  private static void checkNamespaceAndName(
      ResourceType type, ObjectNode meta, String namespace, String name) {
    String ns = meta.path("namespace").asText("");
    if (!type.namespaced()) {
      meta.remove("namespace");
    } else if (ns.isEmpty()) {
      meta.put("namespace", namespace);
    } else if (!ns.equals(namespace)) {
      throw StatusError.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    String objName = meta.path("name").asText("");
    if (!objName.equals(name)) {
      throw StatusError.badRequest(
          "the name of the object ("
              + objName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
  }

  /**
   * Upstream's apply conflict: 409 with one {@code FieldManagerConflict} cause per field, and a
   * message listing them per manager.
   */
  private static StatusError conflictError(List<Conflict> conflicts) {
    List<StatusCause> causes = new ArrayList<>();
    Map<ManagerId, List<String>> byManager = new TreeMap<>();
    for (Conflict c : conflicts) {
      String field = PathElement.toString(c.path());
      causes.add(
          new StatusCause(
              field, "conflict with " + c.manager().describe(), "FieldManagerConflict"));
      byManager.computeIfAbsent(c.manager(), m -> new ArrayList<>()).add(field);
    }
    String message;
    if (conflicts.size() == 1) {
      Conflict c = conflicts.getFirst();
      message =
          "Apply failed with 1 conflict: conflict with "
              + c.manager().describe()
              + ": "
              + PathElement.toString(c.path());
    } else {
      List<String> lines = new ArrayList<>();
      byManager.forEach(
          (m, fields) -> {
            lines.add("conflicts with " + m.describe() + ":");
            fields.forEach(f -> lines.add("- " + f));
          });
      message = "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }
    return StatusError.of(
        409, "Conflict", message, new StatusDetailsBuilder().withCauses(causes).build());
  }

  // ---- shared ----

  /**
   * Upstream's IgnoreManagedFieldsTimestampsTransformer: when a write changes nothing but
   * managedFields times (the strategy reset what it changed), the old times stay, so that the write
   * changes nothing at all and no new resourceVersion or watch event follows.
   */
  private static ArrayNode keepTimesIfOnlyTimesChanged(
      Context ctx, ObjectNode live, ObjectNode next, ArrayNode entries) {
    JsonNode old = live.at("/metadata/managedFields");
    if (entries == null || !old.isArray() || old.size() != entries.size()) {
      return entries;
    }
    boolean timesChanged = false;
    for (int i = 0; i < entries.size(); i++) {
      ObjectNode a = ((ObjectNode) entries.get(i)).deepCopy();
      ObjectNode b = old.get(i).deepCopy();
      if (!a.path("time").equals(b.path("time"))) {
        timesChanged = true;
      }
      a.remove("time");
      b.remove("time");
      if (!a.equals(b)) {
        return entries;
      }
    }
    if (!timesChanged || !ctx.sameApartFromBookkeeping(live, next)) {
      return entries;
    }
    ArrayNode kept = entries.deepCopy();
    for (int i = 0; i < kept.size(); i++) {
      ObjectNode e = (ObjectNode) kept.get(i);
      JsonNode time = old.get(i).get("time");
      if (time == null) {
        e.remove("time");
      } else {
        e.set("time", time);
      }
    }
    return kept;
  }

  private List<ManagedFieldsEntry> toEntries(ArrayNode entries) {
    if (entries == null) {
      return null;
    }
    return codec.mapper().convertValue(entries, new TypeReference<List<ManagedFieldsEntry>>() {});
  }

  private Instant now() {
    return clock.get().truncatedTo(ChronoUnit.SECONDS);
  }

  private static String orUnknown(String manager) {
    return manager == null || manager.isEmpty() ? "unknown" : manager;
  }

  private static ObjectNode metadata(ObjectNode obj) {
    return obj.get("metadata") instanceof ObjectNode m ? m : obj.putObject("metadata");
  }

  private static ObjectNode withoutManagedFields(ObjectNode obj) {
    ObjectNode copy = obj.deepCopy();
    if (copy.get("metadata") instanceof ObjectNode m) {
      m.remove("managedFields");
    }
    return copy;
  }

  /**
   * A write's kind, version and endpoint: its schema type and the fields its strategy resets, which
   * nobody comes to own through it.
   */
  private static final class Context {
    final Schema schema;
    final Typed typed;
    final Schema.TypeRef type;
    final String version;
    final String kind;
    final String subresource;
    final FieldSet reset;
    final Updater updater;

    private Context(ResourceType t, String subresource) {
      this.schema = Schema.builtin();
      this.typed = new Typed(schema);
      this.type = schema.forKind(t.apiVersion(), t.kind()).orElse(Schema.deduced());
      this.version = t.apiVersion();
      this.kind = t.kind();
      this.subresource = subresource;
      this.reset = resetFields(t, subresource);
      this.updater = new Updater(typed, type, version, reset);
    }

    static Context of(ResourceType t, String subresource) {
      return new Context(t, subresource == null ? "" : subresource);
    }

    /**
     * What each strategy resets: {@code status} through the main resource of a kind with a status
     * subresource; {@code spec} through {@code /status} (and a Deployment's labels).
     */
    private static FieldSet resetFields(ResourceType t, String subresource) {
      if (subresource.equals("status")) {
        List<List<PathElement>> paths = new ArrayList<>(List.of(path("spec")));
        if (t.kind().equals("Deployment")) {
          paths.add(path("metadata", "labels"));
        }
        return FieldSet.of(paths);
      }
      if (subresource.isEmpty() && t.hasSubresource("status")) {
        return FieldSet.of(List.of(path("status")));
      }
      return FieldSet.EMPTY;
    }

    /** Equal but for managedFields, the server's metadata and what the strategy resets. */
    boolean sameApartFromBookkeeping(ObjectNode a, ObjectNode b) {
      return Values.equal(comparable(a), comparable(b));
    }

    private ObjectNode comparable(ObjectNode obj) {
      ObjectNode copy = (ObjectNode) typed.materialize(obj, type);
      if (copy.get("metadata") instanceof ObjectNode m) {
        for (String f : List.of("managedFields", "resourceVersion", "generation")) {
          m.remove(f);
        }
      }
      JsonNode trimmed = typed.removeItems(copy, reset, type);
      return trimmed instanceof ObjectNode o ? o : copy;
    }
  }
}
