package io.querysub.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The deployment every test class uses: the WAR exactly as {@code web} built it. */
final class Node {
  private Node() {}

  static WebArchive war() {
    String location = System.getProperty("querysub.war");
    if (location == null || !new File(location).isFile()) {
      throw new IllegalStateException(
          "querysub.war must name the built WAR (set by failsafe), got " + location);
    }
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(location));
  }
}
