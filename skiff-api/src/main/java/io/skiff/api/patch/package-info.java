/**
 * The three PATCH formats of the Kubernetes API: {@link io.skiff.api.patch.JsonPatch} (RFC 6902),
 * {@link io.skiff.api.patch.JsonMergePatch} (RFC 7386) and {@link
 * io.skiff.api.patch.StrategicMergePatch}, whose list semantics come from a {@link
 * io.skiff.api.patch.PatchSchema}. All work on Jackson trees and never modify their arguments.
 *
 * <p>Failures are {@link io.skiff.api.patch.PatchException}s carrying the status kube-apiserver
 * answers with. Two failures belong to the caller: a strategic merge patch for a kind without a
 * schema is 415 UnsupportedMediaType (accepted: JSON patch, merge patch, apply patch), and a merge
 * patch body that is {@code null} or a scalar is 400 "Invalid JSON Patch".
 */
package io.skiff.api.patch;
