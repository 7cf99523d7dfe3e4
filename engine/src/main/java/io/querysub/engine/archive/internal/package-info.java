/**
 * The archive's byte layouts (segment header and records, the fields they share with manifests) and
 * the scan that reads a segment past damage. Formats: docs/archive-format.md.
 */
package io.querysub.engine.archive.internal;
