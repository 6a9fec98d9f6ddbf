package io.skiff.controllers.testcluster;

import io.fabric8.kubernetes.api.model.DeleteOptions;

/**
 * One write a controller made.
 *
 * @param verb {@code create}, {@code update}, {@code patch} or {@code delete}
 * @param resource the plural resource name
 * @param subresource {@code status}, {@code finalize}, ...; null for the object itself
 * @param body the object written, {@code "<patch media type> <patch>"}, or the DeleteOptions
 */
public record Action(
    String verb, String resource, String namespace, String name, String subresource, Object body) {

  /** The DeleteOptions of a delete. */
  public DeleteOptions deleteOptions() {
    return (DeleteOptions) body;
  }

  /** A patch's media type and body, as {@code "<media type> <patch>"}. */
  public String patch() {
    return (String) body;
  }

  public boolean is(String verb, String resource, String name) {
    return this.verb.equals(verb) && this.resource.equals(resource) && this.name.equals(name);
  }
}
