/**
 * Server-side printing of objects as {@code meta.k8s.io/v1} Tables, the form {@code kubectl get}
 * asks for: the columns, cell values and row objects of upstream's {@code
 * pkg/printers/internalversion} printers, so kubectl prints what it prints against a real API
 * server.
 */
package io.skiff.api.table;
