/**
 * The REST API under {@code /api/v1}: data, children and transactions. Resources are request-scoped
 * CDI beans that parse the wire form into engine types ({@code Path}, {@code Version}, {@code
 * ReadLock}, {@code Write}), call {@code DataService}, and answer in the {@code protocol} records.
 * Paths come from the raw (still percent-encoded) URL so {@code %2F} inside a segment survives; the
 * engine's path parser is the only place they are decoded and checked.
 */
package io.querysub.web.api;
