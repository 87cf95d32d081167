package dev.unicorn.examples;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.servlet.ServletApp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet hello and a servlet echo served by Unicorn's Servlet 6.1 adapter: {@code GET /}
 * answers {@code Hello, World!}, {@code POST /echo} answers the request body. Listens on
 * {@code 127.0.0.1:8000} unless {@code -Dunicorn.bind=...} or {@code UNICORN_BIND} says otherwise.
 */
public final class ServletHello {
    private ServletHello() {
    }

    /** Answers {@code Hello, World!}. */
    public static final class HelloServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().print("Hello, World!\n");
        }
    }

    /** Answers the request body with the request's content type. */
    public static final class EchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = req.getInputStream().readAllBytes();
            resp.setContentType(req.getContentType() == null ? "application/octet-stream" : req.getContentType());
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    /** The application: the hello servlet at {@code /} and the echo servlet at {@code /echo}. */
    public static ServletApp app() {
        ServletApp app = new ServletApp();
        app.addServlet("hello", new HelloServlet(), "/");
        app.addServlet("echo", new EchoServlet(), "/echo");
        return app;
    }

    /** Starts the server and serves until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        ServletApp app = app();
        RunningServer server = new Unicorn(app).handleSignals(true).start();
        server.awaitTermination();
        app.stop();
    }
}
