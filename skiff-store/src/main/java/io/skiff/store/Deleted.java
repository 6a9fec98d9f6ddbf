package io.skiff.store;

/**
 * The result of {@link Store#delete}.
 *
 * @param revision the revision assigned to the deletion
 * @param previous the key's value just before it was deleted
 */
public record Deleted(long revision, KeyValue previous) {}
