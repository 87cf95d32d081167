package dev.unicorn.test;

import dev.unicorn.RunningServer;
import dev.unicorn.Unicorn;
import dev.unicorn.http.HttpApp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts an application on a free loopback port for a test class or for each test.
 * Register it on a {@code static} field to share one server across the class, or on an
 * instance field for a fresh server per test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static UnicornExtension server = UnicornExtension.serving((req, res) -> res.send(200, "text/plain", "hi".getBytes()))
 *         .configure(u -> u.keepalive(Duration.ofSeconds(5)));
 *
 * @Test
 * void answers(URI base, RawClient client) { ... }
 * }</pre>
 *
 * Test methods may declare parameters of type {@link URI} (the base URI), {@link RawClient}
 * (a new connection, closed after the test) and {@link RunningServer}. Servers started here
 * ignore {@code UNICORN_*} variables and {@code unicorn.*} properties, bind
 * {@code 127.0.0.1:0}, and stop quickly.
 */
public final class UnicornExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(UnicornExtension.class);

    private final HttpApp app;
    private Consumer<Unicorn> customizer = u -> { };
    private boolean perClass;
    private RunningServer server;

    private UnicornExtension(HttpApp app) {
        this.app = Objects.requireNonNull(app, "app");
    }

    /** An extension serving {@code app}. */
    public static UnicornExtension serving(HttpApp app) {
        return new UnicornExtension(app);
    }

    /** Adjusts the server before it starts (called after the harness defaults, so it can override them). */
    public UnicornExtension configure(Consumer<Unicorn> customizer) {
        this.customizer = this.customizer.andThen(customizer);
        return this;
    }

    /** The running server. */
    public RunningServer server() {
        if (server == null) {
            throw new IllegalStateException("the server is not running");
        }
        return server;
    }

    /** The base URI, e.g. {@code http://127.0.0.1:41234/}. */
    public URI uri() {
        return server().uri();
    }

    /** The bound port. */
    public int port() {
        return server().port();
    }

    /** A new raw connection to the server; the caller closes it. */
    public RawClient connect() {
        return RawClient.connect(new InetSocketAddress(server().uri().getHost(), port()));
    }

    private void start() {
        Unicorn unicorn = new Unicorn(app)
                .externalConfig(false)
                .bind("127.0.0.1:0")
                .gracefulTimeout(Duration.ofSeconds(5));
        customizer.accept(unicorn);
        server = unicorn.start();
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == URI.class || type == RawClient.class || type == RunningServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == URI.class) {
            return uri();
        }
        if (type == RunningServer.class) {
            return server();
        }
        if (type == RawClient.class) {
            RawClient client = connect();
            context.getStore(NAMESPACE).put(client, (AutoCloseable) client::close);
            return client;
        }
        throw new ParameterResolutionException("unsupported parameter " + parameter.getParameter());
    }
}
