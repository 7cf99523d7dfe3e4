/**
 * Named failpoints in production code: places where a test can make the process fail or crash
 * exactly there. Free when nothing is armed (one volatile read).
 */
package io.querysub.engine.fail;
