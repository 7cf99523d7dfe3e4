/**
 * The crash test: a Payara Micro process of its own, killed with {@code kill -9} (or crashed at a
 * failpoint) while writers commit, restarted on the same data directory, and checked for every
 * acknowledged write.
 */
package io.querysub.it.crash;
