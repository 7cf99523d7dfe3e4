/**
 * Tests of one node on Payara Micro: each class deploys the real WAR built by {@code web} once (a
 * fresh node, so classes do not see each other's data) and drives it over HTTP as a client would.
 */
package io.querysub.it;
