/**
 * ControllerRevision history shared by the StatefulSet and DaemonSet controllers (upstream's {@code
 * pkg/controller/history}): {@link io.skiff.controllers.history.Revisions} makes, names, hashes,
 * orders and compares revisions of a pod template; {@link
 * io.skiff.controllers.history.ControllerHistory} lists, creates (with collision counting), bumps
 * and deletes them.
 */
package io.skiff.controllers.history;
