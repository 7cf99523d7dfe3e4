package io.querysub.engine.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the manifest a reader trusts: the one with the highest sequence that decodes. Manifests are
 * ordered by the sequence in their key, never by the order a store lists them in.
 */
public final class Manifests {
  private static final System.Logger LOG = System.getLogger(Manifests.class.getName());

  private Manifests() {}

  /** A manifest passed over because it could not be read, and why. */
  public record Skipped(String key, String reason) {}

  /**
   * The latest readable manifest, logging a warning for each newer one passed over.
   *
   * @see #latest(ArchiveStore, Consumer)
   */
  public static Optional<Manifest> latest(ArchiveStore store) throws IOException {
    return latest(
        store,
        s ->
            LOG.log(
                System.Logger.Level.WARNING,
                "archive "
                    + store.describe()
                    + ": passing over manifest "
                    + s.key()
                    + ": "
                    + s.reason()));
  }

  /**
   * Lists {@code manifests/}, and reads manifests from the highest sequence down until one decodes
   * and holds the sequence its key names; each newer one that did not is handed to {@code skipped}.
   * Keys under {@code manifests/} that are not exactly {@link ArchiveKeys#manifest} keys are
   * ignored.
   *
   * @return the manifest, or empty when the archive has no manifest (a new archive)
   * @throws ArchiveFormatException when there are manifests but none can be read: the archive is
   *     not empty, and answering as if it were would lose its data
   * @throws IOException when the store cannot be read
   */
  public static Optional<Manifest> latest(ArchiveStore store, Consumer<Skipped> skipped)
      throws IOException {
    List<String> keys = newestFirst(store);
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    for (String key : keys) {
      byte[] bytes;
      try {
        bytes = store.get(key);
      } catch (ArchiveObjectNotFoundException e) {
        skipped.accept(new Skipped(key, "deleted after it was listed"));
        continue;
      }
      try {
        Manifest m = ManifestCodec.decode(bytes);
        if (m.sequence() == ArchiveKeys.manifestSequence(key)) {
          return Optional.of(m);
        }
        skipped.accept(new Skipped(key, "it holds manifest " + m.sequence()));
      } catch (ArchiveFormatException e) {
        skipped.accept(new Skipped(key, e.getMessage()));
      }
    }
    throw new ArchiveFormatException(
        "archive "
            + store.describe()
            + ": none of its "
            + keys.size()
            + " manifests can be read (newest: "
            + keys.get(0)
            + ")");
  }

  /**
   * The newest {@code n} manifests that decode, newest first: what a garbage sweep must keep every
   * object of.
   */
  public static List<Manifest> kept(ArchiveStore store, int n) throws IOException {
    List<Manifest> out = new ArrayList<>();
    for (String key : newestFirst(store)) {
      if (out.size() == n) {
        break;
      }
      try {
        Manifest m = ManifestCodec.decode(store.get(key));
        if (m.sequence() == ArchiveKeys.manifestSequence(key)) {
          out.add(m);
        }
      } catch (ArchiveFormatException | ArchiveObjectNotFoundException e) {
        // Unreadable: it protects nothing.
      }
    }
    return out;
  }

  /**
   * The keys under {@code manifests/} that are exactly manifest keys, highest sequence first (by
   * the number in the key, not the listing's order).
   */
  private static List<String> newestFirst(ArchiveStore store) throws IOException {
    List<String> keys = new ArrayList<>();
    for (String key : store.list(ArchiveKeys.MANIFESTS)) {
      long seq = ArchiveKeys.manifestSequence(key);
      if (seq >= 0 && key.equals(ArchiveKeys.manifest(seq))) {
        keys.add(key);
      }
    }
    keys.sort(Comparator.comparingLong(ArchiveKeys::manifestSequence).reversed());
    return keys;
  }
}
