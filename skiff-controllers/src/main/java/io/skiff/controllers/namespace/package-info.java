/**
 * The namespace controller: empties a terminating namespace, then releases it (upstream's {@code
 * pkg/controller/namespace}); see {@link io.skiff.controllers.namespace.NamespaceController}.
 */
package io.skiff.controllers.namespace;
