/**
 * Identity: who makes a request ({@link io.querysub.core.auth.Caller}), from a signed token (a JWT)
 * or, where allowed, anonymous.
 */
package io.querysub.core.auth;
