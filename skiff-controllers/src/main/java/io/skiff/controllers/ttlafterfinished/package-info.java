/**
 * The TTL-after-finished controller (upstream's {@code pkg/controller/ttlafterfinished}): deletes
 * finished Jobs once their {@code ttlSecondsAfterFinished} has passed on the clock.
 */
package io.skiff.controllers.ttlafterfinished;
