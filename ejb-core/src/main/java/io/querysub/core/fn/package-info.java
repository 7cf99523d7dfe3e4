/**
 * Server functions: methods of CDI beans registered with {@link
 * io.querysub.core.fn.ServerFunction}, called by name with JSON arguments, run as optimistic
 * transactions by the {@link io.querysub.core.fn.FunctionRunner} (reruns on conflict, time limits,
 * idempotent call ids), with each call stored under {@code /.calls/<callId>}.
 */
package io.querysub.core.fn;
