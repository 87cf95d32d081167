package dev.unicorn.bench.peers;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The {@link Endpoint}s as one Servlet, shared by the Servlet containers (Jetty ee11, Tomcat). */
final class BenchServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Endpoint e = Endpoint.match(request.getMethod(), request.getRequestURI());
        if (e == null) {
            response.sendError(404);
            return;
        }
        byte[] body = e.answer(request.getInputStream());
        response.setContentType(e.contentType());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
