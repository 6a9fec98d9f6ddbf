package io.skiff.apiserver.registry;

/**
 * Options of a create, update or patch.
 *
 * @param dryRun {@code dryRun=All}: validate and answer as if written, write nothing
 * @param status the write came through the {@code /status} subresource
 * @param namespaceFinalize the write came through a Namespace's {@code /finalize} subresource
 */
public record WriteOptions(boolean dryRun, boolean status, boolean namespaceFinalize) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, false, false);

  public WriteOptions(boolean dryRun, boolean status) {
    this(dryRun, status, false);
  }
}
