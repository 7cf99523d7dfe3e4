package io.querysub.web.error;

import io.querysub.web.protocol.ErrorResponse;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The target of every {@code <error-page>} in web.xml: errors the container produces outside JAX-RS
 * (a URL outside {@code /api/v1}, an uncaught servlet failure) answered in the error shape instead
 * of Payara's HTML page.
 */
@WebServlet("/error")
public class ErrorPageServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Jsonb JSONB = JsonbBuilder.create();

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Object s = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = s instanceof Integer i ? i : 404;
    if (req.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null) {
      status = 500;
    }
    Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String where = req.getMethod() + " " + (uri == null ? req.getRequestURI() : uri);
    String message =
        switch (status) {
          case 404 -> "no such endpoint: " + where + " (the API is under /api/v1)";
          case 405 -> "method not allowed: " + where;
          case 500 -> "unexpected server error";
          default -> "request refused with HTTP " + status;
        };
    ErrorResponse body = ErrorResponse.of(ErrorStatus.codeOf(status).name(), message, null);
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setCharacterEncoding("UTF-8");
    resp.getOutputStream().write(JSONB.toJson(body).getBytes(StandardCharsets.UTF_8));
  }
}
