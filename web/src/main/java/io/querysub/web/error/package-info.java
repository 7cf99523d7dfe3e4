/**
 * Turns every failure into the one error shape, {@code {"code","message","path"}}, with an HTTP
 * status chosen from the stable code: engine refusals, JAX-RS routing errors (unknown route, wrong
 * method), and, through the servlet error pages, anything the container answers itself. Clients
 * never see an HTML page or a stack trace.
 */
package io.querysub.web.error;
