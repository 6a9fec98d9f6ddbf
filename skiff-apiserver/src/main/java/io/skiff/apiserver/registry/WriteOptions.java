package io.skiff.apiserver.registry;

/**
 * Options of a create, update or patch.
 *
 * @param dryRun {@code dryRun=All}: validate and answer as if written, write nothing
 * @param status the write came through the {@code /status} subresource
 */
public record WriteOptions(boolean dryRun, boolean status) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, false);
}
