/**
 * Server-side apply and {@code metadata.managedFields}, after kube-apiserver's field manager
 * (k8s.io/apimachinery/pkg/util/managedfields) and sigs.k8s.io/structured-merge-diff.
 *
 * <p>{@link io.skiff.api.apply.FieldManager} is the entry point the API server calls on every
 * create, update, patch and apply. Below it: the schema of the served kinds, converted from the
 * OpenAPI definitions ({@code Schema}); field paths and sets in the fieldsV1 format ({@code
 * PathElement}, {@code FieldSet}); the merge, comparison and removal of values by that schema
 * ({@code Typed}); and the ownership rules of applies and updates ({@code Updater}). Values are
 * Jackson trees of the objects' wire form.
 */
package io.skiff.api.apply;
