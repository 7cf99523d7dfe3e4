package io.querysub.engine.watch;

/**
 * Hears every commit that changed something, in version order: a batch is delivered only once every
 * commit with a lower version has been delivered. Calls never overlap (one at a time, from
 * whichever committing thread publishes), so a listener must be quick and must not block or commit;
 * hand work to a queue.
 */
@FunctionalInterface
public interface ChangeListener {
  void onCommit(ChangeBatch batch);
}
