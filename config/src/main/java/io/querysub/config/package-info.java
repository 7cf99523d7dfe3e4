/**
 * The node's settings: one typed, validated {@link io.querysub.config.NodeSettings} read once at
 * startup from MicroProfile Config (system properties, environment, {@code
 * microprofile-config.properties}), with defaults for everything. A bad setting stops the node at
 * startup with a message naming the key, the value and what was expected, rather than failing later
 * on some request.
 */
package io.querysub.config;
