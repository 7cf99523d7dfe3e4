/**
 * Benchmarks of the engine, not run by the build's tests: JMH benchmarks ({@code *Bench}) and the
 * heap harness {@link io.querysub.engine.bench.HeapPerPath}. Run them with the {@code bench} Maven
 * profile; docs/benchmarks.md has the commands, settings and figures.
 */
package io.querysub.engine.bench;
