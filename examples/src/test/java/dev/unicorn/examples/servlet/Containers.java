package dev.unicorn.examples.servlet;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.servlet.ServletApp;
import dev.unicorn.test.RawClient;
import dev.unicorn.test.RawResponse;
import jakarta.servlet.ServletContainerInitializer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee11.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts the same web application on Unicorn and on Jetty 12.1 ee11, each on a free loopback
 * port: the application is a {@link ServletContainerInitializer} registering everything through
 * the standard {@code ServletContext} API, plus error pages, so both containers get exactly the
 * same configuration.
 */
final class Containers {
    private Containers() {
    }

    /** A web application: context path, what registers its components, and error pages (status, exception type, or {@code null} for the global page). */
    record WebApp(String contextPath, ServletContainerInitializer initializer, Map<Object, String> errorPages) {
        WebApp(String contextPath, ServletContainerInitializer initializer) {
            this(contextPath, initializer, Map.of());
        }

        WebApp withErrorPage(Object key, String location) {
            Map<Object, String> pages = new LinkedHashMap<>(errorPages);
            pages.put(key, location);
            return new WebApp(contextPath, initializer, pages);
        }
    }

    /** A started container; closing it stops it. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close();

        /** Sends {@code request} as raw bytes on a new connection and reads one response. */
        default RawResponse send(String request) {
            try (RawClient client = RawClient.connect("127.0.0.1", port()).timeout(Duration.ofSeconds(20))) {
                String method = request.substring(0, request.indexOf(' '));
                return client.send(request).readResponse(method);
            }
        }

        /** A GET of {@code target} that closes the connection. */
        default RawResponse get(String target) {
            return send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        }
    }

    @SuppressWarnings("unchecked")
    static ServletApp servletApp(WebApp webApp) {
        ServletApp app = new ServletApp(webApp.contextPath()).addInitializer(webApp.initializer());
        for (Map.Entry<Object, String> e : webApp.errorPages().entrySet()) {
            if (e.getKey() == null) {
                app.errorPage(e.getValue());
            } else if (e.getKey() instanceof Integer status) {
                app.errorPage(status, e.getValue());
            } else {
                app.errorPage((Class<? extends Throwable>) e.getKey(), e.getValue());
            }
        }
        return app;
    }

    static Running unicorn(WebApp webApp) {
        return unicorn(servletApp(webApp), u -> { });
    }

    static Running unicorn(ServletApp app) {
        return unicorn(app, u -> { });
    }

    static Running unicorn(ServletApp app, Consumer<Unicorn> configure) {
        Unicorn unicorn = new Unicorn(app).externalConfig(false).bind("127.0.0.1:0").workers(1)
                .gracefulTimeout(Duration.ofSeconds(5));
        configure.accept(unicorn);
        RunningServer server = unicorn.start();
        return new Running() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.stop();
                app.stop();
            }
        };
    }

    @SuppressWarnings("unchecked")
    static Running jetty(WebApp webApp) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(webApp.contextPath().isEmpty() ? "/" : webApp.contextPath());
        context.addServletContainerInitializer(webApp.initializer());
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        for (Map.Entry<Object, String> e : webApp.errorPages().entrySet()) {
            if (e.getKey() == null) {
                errors.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, e.getValue());
            } else if (e.getKey() instanceof Integer status) {
                errors.addErrorPage(status, e.getValue());
            } else {
                errors.addErrorPage((Class<? extends Throwable>) e.getKey(), e.getValue());
            }
        }
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.start();
        return new Running() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException("Jetty did not stop", e);
                }
            }
        };
    }
}
