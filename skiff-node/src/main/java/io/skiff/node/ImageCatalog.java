package io.skiff.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which images exist: the tags of known repositories, so that a pull of {@code nginx:1.231} fails
 * as it does against Docker Hub while {@code nginx:1.23.1} succeeds. A repository the catalog does
 * not know pulls whatever the tag (Skiff cannot tell), and so does every reference by digest.
 *
 * <p>The catalog is text, one repository per line, tags separated by spaces; a repository may take
 * several lines, whose tags add up; {@code #} starts a comment:
 *
 * <pre>
 * nginx: 1.23.1 1.23 1.14.2 latest alpine
 * registry.example.com/team/app: v1 v2
 * ghcr.io/acme/tool: *
 * </pre>
 *
 * Names are normalized as image references are ({@code nginx} is {@code docker.io/library/nginx});
 * {@code *} makes every tag of the repository exist, and a tag ending in {@code *} every tag with
 * that prefix. The built-in catalog ({@code image-catalog.txt} next to this class) is read on first
 * use, not at start-up.
 */
public final class ImageCatalog {

  private static final String BUILTIN = "image-catalog.txt";

  /** The tags of one repository: exact ones, prefixes, or all. */
  private static final class Tags {
    final Set<String> exact = new HashSet<>();
    final List<String> prefixes = new ArrayList<>(0);
    boolean any;

    boolean contains(String tag) {
      if (any || exact.contains(tag)) {
        return true;
      }
      for (String p : prefixes) {
        if (tag.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a pull of a reference finds. */
  enum Availability {
    /** The repository is known and has the tag. */
    PRESENT,
    /** The repository is known and has no such tag: the pull fails with "not found". */
    MISSING_TAG,
    /** The catalog does not know the repository: the pull succeeds. */
    UNKNOWN_REPOSITORY,
    /** Pinned by digest: the pull succeeds. */
    BY_DIGEST
  }

  private final ImageCatalog base;
  private final Map<String, Tags> overrides;
  private volatile Map<String, Tags> builtin;

  private ImageCatalog(ImageCatalog base, Map<String, Tags> overrides) {
    this.base = base;
    this.overrides = overrides;
  }

  /** The catalog shipped with Skiff. */
  public static ImageCatalog builtin() {
    return new ImageCatalog(null, null);
  }

  /**
   * This catalog with the repositories of {@code file} added; a repository listed there replaces
   * the one here with the tags of the file ({@code --image-catalog}).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException for a malformed line, naming the file and line
   */
  public ImageCatalog withFile(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new ImageCatalog(this, parse(r, file.toString()));
    }
  }

  /** Whether the image {@code ref} exists, by this catalog. */
  Availability lookup(ImageReference ref) {
    if (ref.digest() != null) {
      return Availability.BY_DIGEST;
    }
    Tags tags = tags(ref.repository());
    if (tags == null || tags.any) {
      return Availability.UNKNOWN_REPOSITORY;
    }
    return tags.contains(ref.tag()) ? Availability.PRESENT : Availability.MISSING_TAG;
  }

  /** The tags of {@code repository} (normalized), or null when unknown. */
  private Tags tags(String repository) {
    if (overrides != null) {
      Tags t = overrides.get(repository);
      if (t != null || base == null) {
        return t;
      }
      return base.tags(repository);
    }
    return builtinTags().get(repository);
  }

  private Map<String, Tags> builtinTags() {
    Map<String, Tags> tags = builtin;
    if (tags == null) {
      synchronized (this) {
        tags = builtin;
        if (tags == null) {
          tags = loadBuiltin();
          builtin = tags;
        }
      }
    }
    return tags;
  }

  private static Map<String, Tags> loadBuiltin() {
    try (InputStream in = ImageCatalog.class.getResourceAsStream(BUILTIN)) {
      if (in == null) {
        throw new IllegalStateException(BUILTIN + " is missing from the class path");
      }
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), BUILTIN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Tags> parse(Reader reader, String source) throws IOException {
    Map<String, Tags> out = new HashMap<>();
    BufferedReader in = new BufferedReader(reader);
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      int colon = content.indexOf(": ");
      if (colon < 0 && content.endsWith(":")) {
        colon = content.length() - 1;
      }
      if (colon <= 0) {
        throw new IllegalArgumentException(
            source + ":" + number + ": expected \"repository: tag tag ...\", got \"" + line + "\"");
      }
      String name = content.substring(0, colon).strip();
      ImageReference repo;
      try {
        repo = ImageReference.parse(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source + ":" + number + ": \"" + name + "\" is not a repository: " + e.getMessage(), e);
      }
      if (!"latest".equals(repo.tag()) || repo.digest() != null || name.endsWith(":latest")) {
        throw new IllegalArgumentException(
            source + ":" + number + ": \"" + name + "\" names a tag; give the repository alone");
      }
      Tags set = out.computeIfAbsent(repo.repository(), k -> new Tags());
      for (String tag : content.substring(colon + 1).strip().split("\\s+")) {
        if (tag.equals("*")) {
          set.any = true;
        } else if (tag.endsWith("*")) {
          set.prefixes.add(tag.substring(0, tag.length() - 1));
        } else if (!tag.isEmpty()) {
          set.exact.add(tag);
        }
      }
    }
    return out;
  }
}
