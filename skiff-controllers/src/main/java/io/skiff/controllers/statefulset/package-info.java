/**
 * The StatefulSet controller ({@link io.skiff.controllers.statefulset.StatefulSetController}):
 * ordinal pods with stable names, hostnames and claims, ordered or parallel management, partitioned
 * rolling updates over ControllerRevision history.
 */
package io.skiff.controllers.statefulset;
