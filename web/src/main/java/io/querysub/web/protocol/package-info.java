/**
 * The REST wire format: request and response records (JSON-B) and the writer that splices stored
 * JSON text into responses as it is. Mapped to and from the engine's types at the resource; engine
 * objects never reach the wire. Versions travel as their text form ({@code "millis.counter.node"},
 * {@code "0"} for none), paths as canonical text.
 */
package io.querysub.web.protocol;
