/**
 * The WebSocket benchmark harness ({@code WsBench}): one Payara Micro node with the real WAR and a
 * bare echo endpoint, driven by the Java client from this JVM. Run by hand through the {@code
 * bench} profile of {@code it-tests}; no class here is a test, so neither Surefire nor Failsafe
 * picks any up. Figures and the command are in {@code docs/benchmarks.md}.
 */
package io.querysub.it.bench;
