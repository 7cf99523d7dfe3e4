package io.querysub.core.data;

/**
 * A read lock as a client sends it, in any wire format: a path and a version in text form. REST and
 * sync requests implement it, so both turn locks into engine locks with {@link DataService#locks}.
 */
public interface LockText {
  String path();

  String version();
}
