/**
 * The DaemonSet controller ({@link io.skiff.controllers.daemonset.DaemonSetController}): one pod
 * per eligible node, rolling updates within {@code maxUnavailable}/{@code maxSurge}, and
 * ControllerRevision history; {@link io.skiff.controllers.daemonset.DaemonSetUtil} holds the
 * placement and budget arithmetic.
 */
package io.skiff.controllers.daemonset;
