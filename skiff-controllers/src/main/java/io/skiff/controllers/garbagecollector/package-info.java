/**
 * The garbage collector: deletes dependents whose owners are gone and carries out foreground and
 * orphan deletions (upstream's {@code pkg/controller/garbagecollector}); see {@link
 * io.skiff.controllers.garbagecollector.GarbageCollector}.
 */
package io.skiff.controllers.garbagecollector;
