/**
 * Archives: golden writes kept as immutable segment objects in an {@link
 * io.querysub.engine.archive.ArchiveStore}, listed by manifests. {@link
 * io.querysub.engine.archive.SegmentCodec} and {@link io.querysub.engine.archive.ManifestCodec}
 * hold the byte formats (docs/archive-format.md), {@link io.querysub.engine.archive.Manifests}
 * finds the manifest a reader trusts, {@link io.querysub.engine.archive.LocalDirectoryArchiveStore}
 * keeps an archive in a local directory. {@code internal} holds the segment layout and its
 * damage-tolerant scan.
 */
package io.querysub.engine.archive;
