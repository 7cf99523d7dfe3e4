/**
 * Where the archive lives: {@link io.querysub.core.archive.ArchiveSettings} (the {@code
 * querysub.archive.*} keys), {@link io.querysub.core.archive.ArchiveStores} (opens the configured
 * store) and {@link io.querysub.core.archive.S3ArchiveStore} (an S3 bucket through the MinIO
 * client). Configuration guide: docs/archives.md.
 */
package io.querysub.core.archive;
