/**
 * Reading and writing paths: the facade every entry point (REST now, WebSocket and server functions
 * later) goes through. It refuses what the engine must never see (system paths, oversize or
 * malformed values, over-large transactions) with stable error codes, then delegates; a refused
 * call has changed nothing.
 */
package io.querysub.core.data;
