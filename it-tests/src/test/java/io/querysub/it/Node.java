package io.querysub.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The deployment every test class uses: the WAR exactly as {@code web} built it, on a node that
 * starts empty (its data directory, named by {@code querysub.it.dataDir}, is removed first: the
 * node would otherwise replay what earlier test classes wrote).
 */
final class Node {
  private Node() {}

  static WebArchive war() {
    wipeDataDir();
    String location = System.getProperty("querysub.war");
    if (location == null || !new File(location).isFile()) {
      throw new IllegalStateException(
          "querysub.war must name the built WAR (set by failsafe), got " + location);
    }
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(location));
  }

  /** Arquillian builds a class's deployment before it starts that class's node. */
  private static void wipeDataDir() {
    String dir = System.getProperty("querysub.it.dataDir");
    if (dir == null) {
      throw new IllegalStateException("querysub.it.dataDir must name the node's data directory");
    }
    Path root = Path.of(dir);
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty the node's data directory " + root, e);
    }
  }
}
