package io.querysub.web.api;

import io.querysub.core.auth.Caller;
import jakarta.enterprise.context.RequestScoped;

/** The caller of the current REST request, named by {@link AuthFilter} before any resource runs. */
@RequestScoped
public class RequestCaller {
  private Caller caller;

  void set(Caller c) {
    caller = c;
  }

  /**
   * The request's caller.
   *
   * @throws IllegalStateException when the request did not pass the filter (a bug: every resource
   *     is filtered)
   */
  public Caller get() {
    if (caller == null) {
      throw new IllegalStateException("the request was not authenticated");
    }
    return caller;
  }
}
