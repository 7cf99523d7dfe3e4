/** The log's byte formats (records, segment headers) and the reading of segment files. */
package io.querysub.engine.wal.internal;
