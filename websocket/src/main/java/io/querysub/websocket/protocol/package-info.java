/**
 * The wire format of {@code /sync}, protocol {@code v1}: one JSON object per text frame. Requests
 * are read into records by {@link io.querysub.websocket.protocol.RequestReader}, which refuses
 * anything malformed with a stable code; server frames are written by {@link
 * io.querysub.websocket.protocol.FrameWriter}, which copies stored values into the frame as they
 * are. Domain objects never reach the wire. {@code docs/protocol.md} is the reference.
 */
package io.querysub.websocket.protocol;
