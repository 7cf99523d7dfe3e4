/**
 * Backups, point-in-time restores and their checks, over {@link
 * io.querysub.engine.archive.ArchiveStore}s: plain functions the batch jobs call step by step
 * (docs/backups.md).
 */
package io.querysub.engine.backup;
