package io.querysub.engine.archive;

import io.querysub.engine.archive.internal.Dirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An archive in a local directory: the object under key {@code a/b/c} is the file {@code
 * <root>/a/b/c}. A key can name an object or a directory of other keys, not both ({@code a/b} and
 * {@code a/b/c}); {@link ArchiveKeys} never makes such pairs.
 *
 * <p>{@link #put} writes a temporary file in the object's directory, named {@code .tmp-<random>~}
 * ({@code ~} is not a key character, so no key names it and {@link #list} never returns it), forces
 * it, renames it into place atomically and forces the directory (and each directory it had to
 * create, up to the root). When {@code put} returns the object is on disk, whole; after a crash a
 * reader finds the old object or the new one, never part of one. A crash can leave temporary files
 * behind; they are invisible and can be removed by hand. {@link #delete} forces the directory too.
 * Empty directories are kept.
 *
 * <p>Threading: every method is safe from any thread; the file system's rename is the only
 * synchronization puts need. Files in the directory that are not valid keys are ignored.
 */
public final class LocalDirectoryArchiveStore implements ArchiveStore {
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path root;

  /** Directories below the root whose own entry is known to be durable. */
  private final Set<Path> durableDirs = ConcurrentHashMap.newKeySet();

  /**
   * Opens the archive under {@code root}, creating the directory (and its parents) when missing.
   *
   * @throws UncheckedIOException when it cannot be created
   */
  public LocalDirectoryArchiveStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(this.root)) {
        Files.createDirectories(this.root);
        if (this.root.getParent() != null) {
          Dirs.sync(this.root.getParent());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create archive directory " + this.root, e);
    }
  }

  public Path root() {
    return root;
  }

  private Path file(String key) {
    return root.resolve(ArchiveKeys.check(key));
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    Path target = file(key);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = createTemp(dir);
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
        if (ch.size() != bytes.length) {
          throw new IOException(
              "archive object " + key + ": wrote " + ch.size() + " of " + bytes.length + " bytes");
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
    Dirs.sync(dir);
    makeDurable(dir);
  }

  private static Path createTemp(Path dir) throws IOException {
    while (true) {
      Path temp =
          dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "~");
      try {
        Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return temp;
      } catch (FileAlreadyExistsException e) {
        // another put drew the same name: draw again
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // the put fails anyway; a leftover temporary file is invisible
    }
  }

  /** Forces the parent of each directory from {@code dir} up to the root not yet known durable. */
  private void makeDurable(Path dir) throws IOException {
    for (Path d = dir; !d.equals(root) && !durableDirs.contains(d); d = d.getParent()) {
      Dirs.sync(d.getParent());
      durableDirs.add(d);
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    Path f = file(key);
    try {
      return Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      throw new ArchiveObjectNotFoundException(key);
    } catch (IOException e) {
      if (cannotExist(f)) {
        throw new ArchiveObjectNotFoundException(key);
      }
      throw e;
    }
  }

  @Override
  public long size(String key) throws IOException {
    Path f = file(key);
    try {
      BasicFileAttributes a =
          Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? a.size() : -1;
    } catch (NoSuchFileException e) {
      return -1;
    } catch (FileSystemException e) {
      if (cannotExist(f)) {
        return -1;
      }
      throw e;
    }
  }

  /** True when {@code f} is a directory or lies below a file, so no object can be there. */
  private boolean cannotExist(Path f) {
    if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    for (Path p = f.getParent(); !p.equals(root); p = p.getParent()) {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    List<String> out = new ArrayList<>();
    walk(root, "", prefix, out);
    Collections.sort(out);
    return out;
  }

  private static void walk(Path dir, String dirKey, String prefix, List<String> out)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String key = dirKey + p.getFileName();
        if (ArchiveKeys.problem(key) != null) {
          continue; // a temporary file, or something that is not an archive object
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // deleted or renamed while we listed
        }
        if (a.isDirectory()) {
          String sub = key + "/";
          if (sub.startsWith(prefix) || prefix.startsWith(sub)) {
            walk(p, sub, prefix, out);
          }
        } else if (a.isRegularFile() && key.startsWith(prefix)) {
          out.add(key);
        }
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    } catch (NoSuchFileException e) {
      if (dirKey.isEmpty()) {
        throw e; // the root is gone: that is not an empty archive
      }
      // a directory went while we listed: it holds nothing
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path f = file(key);
    try {
      if (!Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(f)) {
        Dirs.sync(f.getParent());
      }
    } catch (FileSystemException e) {
      if (!cannotExist(f)) {
        throw e;
      }
    }
  }

  @Override
  public String describe() {
    return "local directory " + root;
  }

  /** Holds nothing open: the store stays usable. */
  @Override
  public void close() {}
}
