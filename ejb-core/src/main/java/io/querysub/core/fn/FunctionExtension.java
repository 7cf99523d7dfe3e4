package io.querysub.core.fn;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds, at deploy time, every bean class with a {@link ServerFunction} method; {@link Functions}
 * registers them when the application starts.
 */
public class FunctionExtension implements Extension {
  private final List<Class<?>> classes = Collections.synchronizedList(new ArrayList<>());

  <T> void found(@Observes @WithAnnotations(ServerFunction.class) ProcessAnnotatedType<T> pat) {
    Class<T> c = pat.getAnnotatedType().getJavaClass();
    if (!c.isInterface() && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
      classes.add(c);
    }
  }

  /** The classes found, in the order the container offered them. */
  public List<Class<?>> classes() {
    synchronized (classes) {
      return List.copyOf(classes);
    }
  }
}
