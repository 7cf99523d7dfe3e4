/**
 * Archives: golden writes kept as immutable segment objects in an {@link
 * io.querysub.engine.archive.ArchiveStore}, listed by manifests. Formats: docs/archive-format.md.
 */
package io.querysub.engine.archive;
