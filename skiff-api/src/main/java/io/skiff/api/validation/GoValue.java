package io.skiff.api.validation;

/**
 * A bad value that upstream would render with Go's {@code %#v} (or with its {@code String()}
 * method), already rendered. Validators wrap structured values in one of these so that the error
 * text matches what kubectl prints against a real API server.
 */
@FunctionalInterface
public interface GoValue {

  /** The value exactly as Go would print it inside a field error. */
  String goSyntax();
}
