package io.querysub.engine.archive.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Directory durability for the local archive store. */
public final class Dirs {
  private Dirs() {}

  /** Makes a directory entry change (a created, renamed or deleted file) durable. */
  public static void sync(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; Linux and macOS can.
      if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
        throw e;
      }
    }
  }
}
