package io.skiff.client;

/** The kind of change a watch event reports, as on the wire ({@code "type"} of a watch line). */
public enum EventType {
  ADDED,
  MODIFIED,
  DELETED
}
