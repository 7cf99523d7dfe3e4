package io.querysub.engine.archive;

/**
 * A value kept in an object of its own.
 *
 * @param key the object holding the value's JSON text, byte for byte
 * @param size its length in bytes
 * @param crc32c CRC32C of the bytes, checked when the value is loaded
 */
public record LargeRef(String key, long size, int crc32c) {}
