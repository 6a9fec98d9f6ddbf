package io.skiff.node;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A container image reference, normalized as the container runtime normalizes it (docker's
 * reference.ParseNormalizedNamed): {@code nginx} is {@code docker.io/library/nginx:latest}, {@code
 * bitnami/redis:7} is {@code docker.io/bitnami/redis:7}, a registry host is recognised by a dot, a
 * port or {@code localhost}.
 *
 * @param domain the registry, {@code docker.io} for Docker Hub
 * @param path the repository path within the registry, {@code library/nginx}
 * @param tag the tag, {@code latest} when none was given; null with a digest and no tag
 * @param digest {@code sha256:…}, or null
 */
record ImageReference(String domain, String path, String tag, String digest) {

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}");
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?");

  /** Why a reference cannot be parsed, in docker's words. */
  static final class InvalidReferenceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidReferenceException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code image} as the kubelet does before pulling.
   *
   * @throws InvalidReferenceException with docker's message ({@code invalid reference format},
   *     {@code invalid reference format: repository name must be lowercase})
   */
  static ImageReference parse(String image) {
    if (image == null || image.isEmpty()) {
      throw new InvalidReferenceException("repository name must have at least one component");
    }
    String rest = image;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new InvalidReferenceException("invalid reference format");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidReferenceException("invalid reference format");
      }
    }
    String domain = "docker.io";
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        if (!DOMAIN.matcher(first).matches()) {
          throw new InvalidReferenceException("invalid reference format");
        }
        domain = first.equals("index.docker.io") ? "docker.io" : first;
        path = rest.substring(slash + 1);
      }
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        if (COMPONENT.matcher(component.toLowerCase(Locale.ROOT)).matches()) {
          throw new InvalidReferenceException(
              "invalid reference format: repository name must be lowercase");
        }
        throw new InvalidReferenceException("invalid reference format");
      }
    }
    if (domain.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(domain, path, tag, digest);
  }

  /** {@code docker.io/library/nginx}. */
  String repository() {
    return domain + "/" + path;
  }

  /** The full normalized reference, as the runtime reports it in a container's {@code image}. */
  String normalized() {
    StringBuilder out = new StringBuilder(repository());
    if (tag != null) {
      out.append(':').append(tag);
    }
    if (digest != null) {
      out.append('@').append(digest);
    }
    return out.toString();
  }
}
