package dev.unicorn.servlet;

import dev.unicorn.http.HttpApp;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.HttpResponse;
import dev.unicorn.servlet.session.InMemorySessions;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.HandlesTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Jakarta Servlet 6.1 web application built in code, served by Unicorn as an
 * {@link HttpApp}: one {@link ServletContext} with its servlets, filters, listeners, init
 * parameters, resources, error pages and initializers.
 *
 * <pre>{@code
 * ServletApp app = new ServletApp("/shop")
 *         .initParameter("greeting", "hello")
 *         .errorPage(404, "/not-found");
 * app.addServlet("hello", new HelloServlet(), "/hello/*").setLoadOnStartup(1);
 * app.addFilter("log", new LogFilter(), "/*");
 * new Unicorn(app).bind("127.0.0.1:8080").start();
 * }</pre>
 *
 * <p>Everything else goes through the standard API on {@link #context()} (the
 * {@code ServletContext}: {@code addServlet}, {@code addFilter} with dispatcher types,
 * {@code addListener}, {@code getSessionCookieConfig}, ...), and initializers may use it
 * at start exactly as in a WAR.
 *
 * <p>{@link #start()} runs the initializers, tells the context listeners, initialises every
 * filter and the load-on-startup servlets (in that order, ties in registration order); it is
 * called by the first request if the application did not call it. {@link #stop()} destroys the
 * servlets in reverse initialisation order, then the filters, then tells the listeners in
 * reverse. A stopped application answers 503.
 *
 * <p>On Unicorn's blocking worker models a request in async mode keeps its thread: the thread
 * waits for {@code complete()}, a {@code dispatch()} (which it then runs) or the timeout.
 */
public final class ServletApp implements HttpApp, AutoCloseable {
    static final String VERSION = "0.1";

    final AppContext context;
    private final List<ServletContainerInitializer> initializers = new ArrayList<>();
    private final Set<Class<?>> handlesTypesCandidates = new LinkedHashSet<>();
    private boolean discoverInitializers;
    SessionSupport sessions = new InMemorySessions();
    MultipartSupport multipart = new FormParts();
    long asyncTimeoutMillis = 30_000;
    int maxFormContentSize = 200_000;
    int maxFormKeys = 1000;
    final ThreadFactory asyncThreads;
    private final AtomicLong requestIds = new AtomicLong();
    private ServletException startFailure;
    private Path tempDirectory;
    private Path createdTempDirectory;

    /** An application at the root context path ({@code ""}). */
    public ServletApp() {
        this("");
    }

    /**
     * An application at {@code contextPath}: {@code ""} (or {@code "/"}) for the root, otherwise
     * a path starting and not ending with {@code /}, e.g. {@code /shop}.
     */
    public ServletApp(String contextPath) {
        this.context = new AppContext(contextPath);
        this.context.app = this;
        this.asyncThreads = Thread.ofVirtual().name("unicorn-servlet-async-", 0).factory();
    }

    /** An application at the root serving {@code servlet} as the default servlet ({@code /}): every path reaches it. */
    public static ServletApp of(Servlet servlet) {
        ServletApp app = new ServletApp();
        app.addServlet(servlet.getClass().getSimpleName().isEmpty() ? "servlet" : servlet.getClass().getSimpleName(),
                servlet, "/").setAsyncSupported(true);
        return app;
    }

    /** The {@link ServletContext}: the standard API for everything this class has no shortcut for. */
    public ServletContext context() {
        return context;
    }

    /**
     * Registers {@code servlet} under {@code name}, mapped to {@code urlPatterns}.
     *
     * @return its registration (load-on-startup, async, multipart, init parameters, more mappings)
     * @throws IllegalArgumentException when the name is taken or a pattern is mapped already
     */
    public ServletRegistration.Dynamic addServlet(String name, Servlet servlet, String... urlPatterns) {
        ServletRegistration.Dynamic r = context.addServlet(name, servlet);
        return mapped(name, r, urlPatterns);
    }

    /** Registers a servlet of {@code type}, created (no-argument constructor) when it is first initialised. */
    public ServletRegistration.Dynamic addServlet(String name, Class<? extends Servlet> type, String... urlPatterns) {
        ServletRegistration.Dynamic r = context.addServlet(name, type);
        return mapped(name, r, urlPatterns);
    }

    private static ServletRegistration.Dynamic mapped(String name, ServletRegistration.Dynamic r, String... patterns) {
        if (r == null) {
            throw new IllegalArgumentException("a servlet named " + name + " is registered already");
        }
        if (patterns.length > 0) {
            Set<String> conflicts = r.addMapping(patterns);
            if (!conflicts.isEmpty()) {
                throw new IllegalArgumentException("mapped to another servlet already: " + conflicts);
            }
        }
        return r;
    }

    /**
     * Registers {@code filter} under {@code name} for REQUEST dispatches to {@code urlPatterns}
     * (after the filters mapped before it). Use the returned registration for other dispatcher
     * types or servlet-name mappings.
     */
    public FilterRegistration.Dynamic addFilter(String name, Filter filter, String... urlPatterns) {
        FilterRegistration.Dynamic r = context.addFilter(name, filter);
        if (r == null) {
            throw new IllegalArgumentException("a filter named " + name + " is registered already");
        }
        if (urlPatterns.length > 0) {
            r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, urlPatterns);
        }
        return r;
    }

    /** Adds a listener (context, context attribute, request, request attribute, session listeners). */
    public ServletApp addListener(EventListener listener) {
        context.addListener(listener);
        return this;
    }

    /** Sets a context init parameter. */
    public ServletApp initParameter(String name, String value) {
        context.setInitParameter(name, value);
        return this;
    }

    /** The name {@code getServletContextName()} reports. */
    public ServletApp displayName(String name) {
        context.checkConfigurable();
        context.setDisplayName(Objects.requireNonNull(name, "name"));
        return this;
    }

    /** The class loader of the application (the thread context class loader of initializers and servlet init). */
    public ServletApp classLoader(ClassLoader loader) {
        context.checkConfigurable();
        context.setClassLoader(loader);
        return this;
    }

    /**
     * Serves {@code getResource}, {@code getResourceAsStream}, {@code getResourcePaths} and
     * {@code getRealPath} from {@code directory}; paths never leave it.
     */
    public ServletApp resourceBase(Path directory) {
        context.checkConfigurable();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        context.resourceDirectory = directory.toAbsolutePath().normalize();
        return this;
    }

    /**
     * Serves resources from the class path under {@code prefix} (e.g. {@code "static"}: the
     * resource {@code /a.css} is the class-path entry {@code static/a.css}); a resource
     * directory, when set too, is looked at first.
     */
    public ServletApp classpathResourceBase(String prefix) {
        context.checkConfigurable();
        String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        context.classpathResourceBase = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        return this;
    }

    /** Maps a file extension (without dot) to a MIME type for {@code getMimeType}. */
    public ServletApp mimeType(String extension, String mimeType) {
        context.addMimeType(extension, mimeType);
        return this;
    }

    /** The error page for {@code status}: a path in the context, dispatched as ERROR. */
    public ServletApp errorPage(int status, String location) {
        context.checkConfigurable();
        context.errorPagesByStatus.put(status, checkLocation(location));
        return this;
    }

    /** The error page for exceptions of {@code type} (and its subclasses, the closest type wins). */
    public ServletApp errorPage(Class<? extends Throwable> type, String location) {
        context.checkConfigurable();
        context.errorPagesByType.put(Objects.requireNonNull(type, "type"), checkLocation(location));
        return this;
    }

    /** The error page for every error without a more specific page (Spring Boot registers {@code /error} so). */
    public ServletApp errorPage(String location) {
        context.checkConfigurable();
        context.defaultErrorPage = checkLocation(location);
        return this;
    }

    private static String checkLocation(String location) {
        if (location == null || !location.startsWith("/")) {
            throw new IllegalArgumentException("an error page location starts with '/': " + location);
        }
        return location;
    }

    /**
     * Runs {@code initializer} at {@link #start()}, in the order added. Its
     * {@link HandlesTypes} classes are looked for among the {@linkplain #handlesTypesCandidates
     * candidate classes} and the classes of the registered servlets, filters and listeners.
     */
    public ServletApp addInitializer(ServletContainerInitializer initializer) {
        context.checkConfigurable();
        initializers.add(Objects.requireNonNull(initializer, "initializer"));
        return this;
    }

    /**
     * Also runs every {@link ServletContainerInitializer} declared in
     * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer} of the application's
     * class loader (after those added in code). Unicorn does not scan the class path:
     * {@link HandlesTypes} matches only the candidate classes (see {@link #addInitializer}).
     */
    public ServletApp discoverInitializers() {
        context.checkConfigurable();
        discoverInitializers = true;
        return this;
    }

    /** Classes offered to the initializers' {@link HandlesTypes} (instead of a class-path scan). */
    public ServletApp handlesTypesCandidates(Class<?>... classes) {
        context.checkConfigurable();
        handlesTypesCandidates.addAll(List.of(classes));
        return this;
    }

    /**
     * The directory offered to the application as {@code jakarta.servlet.context.tempdir}
     * (Servlet 6.1 §4.8.1; multipart uploads without a location go there). By default a new
     * directory under {@code java.io.tmpdir} is created at {@link #start()} and deleted, with its
     * content, at {@link #stop()}; a directory given here is left alone.
     */
    public ServletApp tempDirectory(Path directory) {
        context.checkConfigurable();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        this.tempDirectory = directory;
        return this;
    }

    /** Where sessions come from (default {@link InMemorySessions}; {@link SessionSupport#NONE}: no sessions). */
    public ServletApp sessions(SessionSupport sessions) {
        context.checkConfigurable();
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        return this;
    }

    /** What parses multipart bodies (default: the streaming {@code MultipartForm} parser; {@link MultipartSupport#NONE}: none). */
    public ServletApp multipart(MultipartSupport multipart) {
        context.checkConfigurable();
        this.multipart = Objects.requireNonNull(multipart, "multipart");
        return this;
    }

    /** The default async timeout (30 s); zero or less waits for ever. */
    public ServletApp asyncTimeout(Duration timeout) {
        context.checkConfigurable();
        this.asyncTimeoutMillis = timeout.toMillis();
        return this;
    }

    /** Largest {@code application/x-www-form-urlencoded} body read for parameters (200 000 bytes, as Jetty); larger answers 400. */
    public ServletApp maxFormContentSize(int bytes) {
        context.checkConfigurable();
        if (bytes < 0) {
            throw new IllegalArgumentException("maxFormContentSize must be >= 0");
        }
        this.maxFormContentSize = bytes;
        return this;
    }

    /** Most parameter names in a query or form (1000, as Jetty); more answers 400. */
    public ServletApp maxFormKeys(int keys) {
        context.checkConfigurable();
        if (keys < 1) {
            throw new IllegalArgumentException("maxFormKeys must be >= 1");
        }
        this.maxFormKeys = keys;
        return this;
    }

    // ---- lifecycle

    /**
     * Initialises the application (idempotent): initializers, context listeners, filters,
     * load-on-startup servlets.
     *
     * @throws ServletException what an initializer, listener, filter or servlet threw; the
     *                          application is then stopped and answers 503
     */
    public synchronized void start() throws ServletException {
        if (context.state == AppContext.State.STARTED) {
            return;
        }
        if (context.state == AppContext.State.STOPPED) {
            throw startFailure != null ? startFailure : new ServletException("the application was stopped");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(context.getClassLoader());
        try {
            context.state = AppContext.State.INITIALIZING;
            if (tempDirectory == null) {
                createdTempDirectory = Files.createTempDirectory("unicorn-servlet-");
            }
            context.setAttribute(ServletContext.TEMPDIR,
                    (tempDirectory != null ? tempDirectory : createdTempDirectory).toFile());
            runInitializers();
            ServletContextEvent event = new ServletContextEvent(context);
            for (ServletContextListener l : context.listeners(ServletContextListener.class)) {
                l.contextInitialized(event);
            }
            sessions.start(context, List.copyOf(context.listeners));
            context.state = AppContext.State.STARTED;
            for (FilterHolder f : context.filterHolders()) {
                f.init();
            }
            List<ServletHolder> onStartup = new ArrayList<>();
            for (ServletHolder h : context.servletHolders()) {
                if (h.loadOnStartup() >= 0) {
                    onStartup.add(h);
                }
            }
            onStartup.sort(Comparator.comparingInt(ServletHolder::loadOnStartup).thenComparingInt(h -> h.order));
            for (ServletHolder h : onStartup) {
                h.init();
            }
        } catch (ServletException | IOException | RuntimeException e) {
            startFailure = e instanceof ServletException s ? s : new ServletException(e.getMessage(), e);
            AppContext.LOG.error("servlet application {} failed to start", context, e);
            stop();
            throw startFailure;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void runInitializers() throws ServletException {
        List<ServletContainerInitializer> all = new ArrayList<>(initializers);
        if (discoverInitializers) {
            for (ServletContainerInitializer sci : ServiceLoader.load(ServletContainerInitializer.class,
                    context.getClassLoader())) {
                all.add(sci);
            }
        }
        Set<Class<?>> candidates = new LinkedHashSet<>(handlesTypesCandidates);
        for (ServletHolder h : context.servletHolders()) {
            candidates.add(loadQuietly(h.getClassName()));
        }
        for (FilterHolder f : context.filterHolders()) {
            candidates.add(loadQuietly(f.getClassName()));
        }
        for (EventListener l : context.listeners) {
            candidates.add(l.getClass());
        }
        candidates.remove(null);
        for (ServletContainerInitializer sci : all) {
            sci.onStartup(handledTypes(sci, candidates), context);
        }
    }

    private Class<?> loadQuietly(String name) {
        try {
            return Class.forName(name, false, context.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** The candidates an initializer's {@link HandlesTypes} asks for; {@code null} when it asks for none or none match. */
    static Set<Class<?>> handledTypes(ServletContainerInitializer sci, Set<Class<?>> candidates) {
        HandlesTypes ht = sci.getClass().getAnnotation(HandlesTypes.class);
        if (ht == null) {
            return null;
        }
        Set<Class<?>> out = new LinkedHashSet<>();
        for (Class<?> c : candidates) {
            for (Class<?> wanted : ht.value()) {
                boolean match = wanted.isAnnotation()
                        ? c.isAnnotationPresent(wanted.asSubclass(java.lang.annotation.Annotation.class))
                        : wanted.isAssignableFrom(c) && c != wanted;
                if (match) {
                    out.add(c);
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** Destroys servlets (reverse initialisation order) and filters, then tells the context listeners (in reverse). Idempotent. */
    public synchronized void stop() {
        if (context.state == AppContext.State.STOPPED || context.state == AppContext.State.NEW) {
            context.state = AppContext.State.STOPPED;
            return;
        }
        context.state = AppContext.State.STOPPED;
        List<ServletHolder> servlets = new ArrayList<>(context.initializedServlets());
        for (int i = servlets.size() - 1; i >= 0; i--) {
            try {
                servlets.get(i).destroy();
            } catch (RuntimeException e) {
                AppContext.LOG.warn("servlet {} failed to destroy", servlets.get(i).getName(), e);
            }
        }
        List<FilterHolder> filters = context.filterHolders();
        for (int i = filters.size() - 1; i >= 0; i--) {
            try {
                filters.get(i).destroy();
            } catch (RuntimeException e) {
                AppContext.LOG.warn("filter {} failed to destroy", filters.get(i).getName(), e);
            }
        }
        try {
            sessions.stop();
        } catch (RuntimeException e) {
            AppContext.LOG.warn("session support failed to stop", e);
        }
        List<ServletContextListener> listeners = context.listeners(ServletContextListener.class);
        ServletContextEvent event = new ServletContextEvent(context);
        for (int i = listeners.size() - 1; i >= 0; i--) {
            try {
                listeners.get(i).contextDestroyed(event);
            } catch (RuntimeException e) {
                AppContext.LOG.warn("contextDestroyed failed", e);
            }
        }
        context.clearAttributes();
        if (createdTempDirectory != null) {
            deleteRecursively(createdTempDirectory);
            createdTempDirectory = null;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    AppContext.LOG.warn("cannot delete {}", p, e);
                }
            });
        } catch (IOException e) {
            AppContext.LOG.warn("cannot delete {}", dir, e);
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** True between a successful {@link #start()} and {@link #stop()}. */
    public boolean isRunning() {
        return context.state == AppContext.State.STARTED;
    }

    // ---- serving

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        if (context.state != AppContext.State.STARTED) {
            try {
                start();
            } catch (ServletException e) {
                response.send(503, "text/plain;charset=utf-8", "503 Service Unavailable\n".getBytes());
                return;
            }
        }
        String raw = request.path();
        if (!raw.startsWith("/")) {
            int scheme = raw.indexOf("://");
            int slash = scheme > 0 ? raw.indexOf('/', scheme + 3) : -1;
            raw = slash < 0 ? (scheme > 0 ? "/" : raw) : raw.substring(slash);
        }
        if (!raw.startsWith("/")) {
            // asterisk-form (OPTIONS *) and authority-form name no resource of the context: 404, no body, as Jetty
            response.status(404);
            response.headers().set("Cache-Control", ErrorPage.CACHE_CONTROL);
            response.headers().set("Content-Length", "0");
            response.body().close();
            return;
        }
        String decoded;
        try {
            decoded = PathDecoder.decode(raw);
        } catch (IllegalArgumentException e) {
            ErrorPage.send(response, request.method(), 400, e.getMessage(), raw);
            return;
        }
        String contextPath = context.getContextPath();
        if (!contextPath.isEmpty()) {
            if (decoded.equals(contextPath)) {
                // as Jetty: the bare context path is moved permanently to its directory form
                String query = request.query();
                response.status(301);
                response.headers().set("Location", raw + "/" + (query.isEmpty() ? "" : "?" + query));
                response.headers().set("Content-Length", "0");
                response.body().close();
                return;
            }
            if (!decoded.startsWith(contextPath + "/")) {
                ErrorPage.send(response, request.method(), 404, null, raw);
                return;
            }
            decoded = decoded.substring(contextPath.length());
        }
        Exchange exchange = new Exchange(this, request, response, decoded, Long.toString(requestIds.incrementAndGet()));
        exchange.run();
    }

    /** The error page location for an exception (its type, then the root cause's) or a status. */
    String errorPageFor(Throwable exception, int status) {
        for (Throwable t = exception; t != null; t = t instanceof ServletException se ? se.getRootCause() : null) {
            for (Class<?> c = t.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                String location = context.errorPagesByType.get(c);
                if (location != null) {
                    return location;
                }
            }
        }
        String location = context.errorPagesByStatus.get(status);
        return location != null ? location : context.defaultErrorPage;
    }

    /**
     * One dispatch through the filters for ({@code type}, {@code path}, the servlet's name)
     * and the servlet. Async is supported when every one of them supports it.
     */
    void invoke(ServletRequest request, ServletResponse response, ServletHolder holder, String path,
            DispatcherType type) throws ServletException, IOException {
        List<FilterHolder> filters = new ArrayList<>();
        List<FilterHolder.FilterMapping> mappings = context.filterMappings();
        if (path != null) {
            for (FilterHolder.FilterMapping m : mappings) {
                if (m.dispatcherTypes().contains(type) && m.matchesPath(path) && !filters.contains(m.holder())) {
                    filters.add(m.holder());
                }
            }
        }
        for (FilterHolder.FilterMapping m : mappings) {
            if (m.dispatcherTypes().contains(type) && m.matchesServlet(holder.getName())
                    && !filters.contains(m.holder())) {
                filters.add(m.holder());
            }
        }
        boolean async = holder.isAsyncSupported();
        for (FilterHolder f : filters) {
            async &= f.isAsyncSupported();
        }
        AppRequest base = Dispatcher.base(request);
        boolean previous = base.asyncSupported;
        base.asyncSupported = async;
        try {
            new Chain(filters, holder).doFilter(request, response);
        } finally {
            base.asyncSupported = previous;
        }
    }

    /** The filters of one dispatch, then the servlet. */
    private static final class Chain implements FilterChain {
        private final List<FilterHolder> filters;
        private final ServletHolder servlet;
        private int next;

        Chain(List<FilterHolder> filters, ServletHolder servlet) {
            this.filters = filters;
            this.servlet = servlet;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            if (next < filters.size()) {
                filters.get(next++).filter().doFilter(request, response, this);
            } else {
                servlet.servlet().service(request, response);
            }
        }
    }
}
