/**
 * Pod garbage collection: pods of deleted nodes, terminated pods beyond a threshold, terminating
 * pods nobody will finish (upstream's {@code pkg/controller/podgc}); see {@link
 * io.skiff.controllers.podgc.PodGcController}.
 */
package io.skiff.controllers.podgc;
