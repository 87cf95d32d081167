package dev.unicorn.servlet;

import dev.unicorn.servlet.session.CookieConfig;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.EventListener;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ServletContext} of one {@link ServletApp}: registrations, mappings, listeners,
 * attributes, init parameters, resources, MIME types, error pages and session configuration.
 */
final class AppContext implements ServletContext {
    static final Logger LOG = LoggerFactory.getLogger("unicorn.error");

    enum State { NEW, INITIALIZING, STARTED, STOPPED }

    private final String contextPath;
    volatile State state = State.NEW;
    private ClassLoader classLoader = Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : AppContext.class.getClassLoader();
    private String displayName = "unicorn";
    private final AttributeMap<ServletContextAttributeListener, ServletContextAttributeEvent> attributes =
            new AttributeMap<>(() -> listeners(ServletContextAttributeListener.class),
                    (name, value) -> new ServletContextAttributeEvent(this, name, value),
                    ServletContextAttributeListener::attributeAdded, ServletContextAttributeListener::attributeReplaced,
                    ServletContextAttributeListener::attributeRemoved);
    private final Map<String, String> initParameters = new ConcurrentHashMap<>();
    private final Map<String, ServletHolder> servlets = new LinkedHashMap<>();
    private final Map<String, FilterHolder> filters = new LinkedHashMap<>();
    /** Mappings added with isMatchAfter=false, then those added with isMatchAfter=true. */
    private final List<FilterHolder.FilterMapping> filterMappingsBefore = new ArrayList<>();
    private final List<FilterHolder.FilterMapping> filterMappingsAfter = new ArrayList<>();
    private volatile List<FilterHolder.FilterMapping> filterMappings = List.of();
    final ServletMapper mapper = new ServletMapper();
    final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, List<?>> listenersByType = new ConcurrentHashMap<>();
    private final List<ServletHolder> initializedServlets = new CopyOnWriteArrayList<>();
    private final Map<String, String> mimeTypes = new HashMap<>(MimeTypes.DEFAULTS);
    Path resourceDirectory;
    String classpathResourceBase;
    final Map<Integer, String> errorPagesByStatus = new HashMap<>();
    final Map<Class<? extends Throwable>, String> errorPagesByType = new LinkedHashMap<>();
    String defaultErrorPage;
    private final CookieConfig sessionCookieConfig = new CookieConfig(this::checkConfigurable);
    private Set<SessionTrackingMode> trackingModes;
    private int sessionTimeoutMinutes = 30;
    private String requestCharacterEncoding;
    private String responseCharacterEncoding;
    private int servletOrder;

    AppContext(String contextPath) {
        this.contextPath = normalizeContextPath(contextPath);
    }

    static String normalizeContextPath(String contextPath) {
        Objects.requireNonNull(contextPath, "contextPath");
        if (contextPath.isEmpty() || contextPath.equals("/")) {
            return "";
        }
        if (!contextPath.startsWith("/") || contextPath.endsWith("/")) {
            throw new IllegalArgumentException("a context path is empty or starts and does not end with '/': " + contextPath);
        }
        return contextPath;
    }

    void checkConfigurable() {
        if (state == State.STARTED || state == State.STOPPED) {
            throw new IllegalStateException("the servlet context is already initialised");
        }
    }

    void setClassLoader(ClassLoader loader) {
        this.classLoader = Objects.requireNonNull(loader, "loader");
    }

    void setDisplayName(String name) {
        this.displayName = name;
    }

    // ---- registrations

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        return addServlet(servletName, loadClass(className, Servlet.class));
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        Objects.requireNonNull(servlet, "servlet");
        return register(servletName, servlet, servlet.getClass());
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        Objects.requireNonNull(servletClass, "servletClass");
        return register(servletName, null, servletClass);
    }

    private synchronized ServletRegistration.Dynamic register(String name, Servlet servlet,
            Class<? extends Servlet> type) {
        checkConfigurable();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a servlet needs a name");
        }
        if (servlets.containsKey(name)) {
            return null; // Servlet 6.1: null when the name is taken
        }
        ServletHolder holder = new ServletHolder(this, name, servlet, type, servletOrder++);
        servlets.put(name, holder);
        return holder;
    }

    synchronized Set<String> addServletMappings(ServletHolder holder, String... patterns) {
        Set<String> conflicts = new TreeSet<>();
        for (String p : patterns) {
            ServletMapper.kind(p);
            ServletHolder owner = mapper.owner(p);
            if (owner != null && owner != holder) {
                conflicts.add(p);
            }
        }
        if (conflicts.isEmpty()) {
            for (String p : patterns) {
                mapper.add(p, holder);
                holder.mapped(p);
            }
        }
        return conflicts;
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        throw new UnsupportedOperationException("Unicorn has no JSP engine");
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> type) throws ServletException {
        return instantiate(type);
    }

    @Override
    public synchronized ServletRegistration getServletRegistration(String servletName) {
        return servlets.get(servletName);
    }

    @Override
    public synchronized Map<String, ? extends ServletRegistration> getServletRegistrations() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(servlets));
    }

    synchronized List<ServletHolder> servletHolders() {
        return new ArrayList<>(servlets.values());
    }

    ServletHolder servletNamed(String name) {
        synchronized (this) {
            return servlets.get(name);
        }
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        return addFilter(filterName, loadClass(className, Filter.class));
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        Objects.requireNonNull(filter, "filter");
        return registerFilter(filterName, filter, filter.getClass());
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        Objects.requireNonNull(filterClass, "filterClass");
        return registerFilter(filterName, null, filterClass);
    }

    private synchronized FilterRegistration.Dynamic registerFilter(String name, Filter filter,
            Class<? extends Filter> type) {
        checkConfigurable();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a filter needs a name");
        }
        if (filters.containsKey(name)) {
            return null;
        }
        FilterHolder holder = new FilterHolder(this, name, filter, type);
        filters.put(name, holder);
        return holder;
    }

    synchronized void addFilterMapping(FilterHolder.FilterMapping mapping, boolean isMatchAfter) {
        (isMatchAfter ? filterMappingsAfter : filterMappingsBefore).add(mapping);
        List<FilterHolder.FilterMapping> all = new ArrayList<>(filterMappingsBefore);
        all.addAll(filterMappingsAfter);
        filterMappings = List.copyOf(all);
    }

    List<FilterHolder.FilterMapping> filterMappings() {
        return filterMappings;
    }

    synchronized List<FilterHolder> filterHolders() {
        return new ArrayList<>(filters.values());
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> type) throws ServletException {
        return instantiate(type);
    }

    @Override
    public synchronized FilterRegistration getFilterRegistration(String filterName) {
        return filters.get(filterName);
    }

    @Override
    public synchronized Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    }

    // ---- listeners

    @Override
    public void addListener(String className) {
        addListener(loadClass(className, EventListener.class));
    }

    @Override
    public <T extends EventListener> void addListener(T listener) {
        Objects.requireNonNull(listener, "listener");
        checkConfigurable();
        if (!isSupportedListener(listener)) {
            throw new IllegalArgumentException("not a supported listener type: " + listener.getClass().getName());
        }
        listeners.add(listener);
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        try {
            addListener(createListener(listenerClass));
        } catch (ServletException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static boolean isSupportedListener(EventListener l) {
        return l instanceof ServletContextListener || l instanceof ServletContextAttributeListener
                || l instanceof ServletRequestListener || l instanceof ServletRequestAttributeListener
                || l instanceof HttpSessionListener || l instanceof HttpSessionAttributeListener
                || l instanceof HttpSessionIdListener;
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> type) throws ServletException {
        return instantiate(type);
    }

    /** The listeners of {@code type}, in order; once started (no more listeners) from a cache, as the request path asks per request. */
    @SuppressWarnings("unchecked")
    <T> List<T> listeners(Class<T> type) {
        if (state == State.STARTED) {
            return (List<T>) listenersByType.computeIfAbsent(type, this::select);
        }
        return select(type);
    }

    private <T> List<T> select(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (EventListener l : listeners) {
            if (type.isInstance(l)) {
                out.add(type.cast(l));
            }
        }
        return List.copyOf(out);
    }

    private <T> T instantiate(Class<T> type) throws ServletException {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new ServletException("cannot create " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ServletException("cannot create " + type.getName() + ": " + e, e);
        }
    }

    private <T> Class<? extends T> loadClass(String className, Class<T> expected) {
        try {
            return Class.forName(className, false, classLoader).asSubclass(expected);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("cannot load " + expected.getSimpleName() + " class " + className, e);
        }
    }

    // ---- lifecycle helpers used by ServletApp

    void servletInitialized(ServletHolder holder) {
        initializedServlets.add(holder);
    }

    /** Servlets in the order they were initialised (destroyed in reverse). */
    List<ServletHolder> initializedServlets() {
        return initializedServlets;
    }

    // ---- attributes and init parameters

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return attributes.names();
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.set(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    void clearAttributes() {
        attributes.clear();
    }

    @Override
    public String getInitParameter(String name) {
        return initParameters.get(Objects.requireNonNull(name, "name"));
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(new ArrayList<>(initParameters.keySet()));
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        checkConfigurable();
        return initParameters.putIfAbsent(name, value) == null;
    }

    // ---- identity and versions

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public ServletContext getContext(String uripath) {
        if (uripath == null) {
            return null;
        }
        return contextPath.isEmpty() || uripath.equals(contextPath) || uripath.startsWith(contextPath + "/") ? this : null;
    }

    @Override
    public int getMajorVersion() {
        return 6;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public int getEffectiveMajorVersion() {
        return 6;
    }

    @Override
    public int getEffectiveMinorVersion() {
        return 1;
    }

    @Override
    public String getServerInfo() {
        return "Unicorn/" + ServletApp.VERSION;
    }

    @Override
    public String getServletContextName() {
        return displayName;
    }

    @Override
    public String getVirtualServerName() {
        return "unicorn";
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public void declareRoles(String... roleNames) {
        checkConfigurable();
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        return null;
    }

    @Override
    public void log(String msg) {
        LOG.info("{}", msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        LOG.warn("{}", message, throwable);
    }

    // ---- MIME types and resources

    void addMimeType(String extension, String type) {
        mimeTypes.put(extension.toLowerCase(Locale.ROOT), type);
    }

    @Override
    public String getMimeType(String file) {
        if (file == null) {
            return null;
        }
        int dot = file.lastIndexOf('.');
        if (dot < 0 || dot < file.lastIndexOf('/')) {
            return null;
        }
        return mimeTypes.get(file.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code path} made safe: starts with '/', no segment climbs out of the base; {@code null} if it would. */
    private static String safeResourcePath(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        return PathDecoder.normalizeDotSegments(path);
    }

    private Path directoryResource(String path) {
        String safe = safeResourcePath(path);
        if (resourceDirectory == null || safe == null) {
            return null;
        }
        Path p = resourceDirectory.resolve(safe.substring(1)).normalize();
        return p.startsWith(resourceDirectory) && Files.exists(p) ? p : null;
    }

    @Override
    public URL getResource(String path) throws MalformedURLException {
        if (path == null || !path.startsWith("/")) {
            throw new MalformedURLException("a resource path starts with '/': " + path);
        }
        Path p = directoryResource(path);
        if (p != null) {
            return p.toUri().toURL();
        }
        String safe = safeResourcePath(path);
        if (classpathResourceBase != null && safe != null) {
            return classLoader.getResource(classpathResourceBase + safe);
        }
        return null;
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        try {
            URL url = getResource(path);
            if (url == null) {
                return null;
            }
            if ("file".equals(url.getProtocol()) && Files.isDirectory(Paths.get(url.toURI()))) {
                return null;
            }
            return url.openStream();
        } catch (IOException | URISyntaxException e) {
            return null;
        }
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        Path dir = directoryResource(path);
        if (dir == null && classpathResourceBase != null && safeResourcePath(path) != null) {
            URL url = classLoader.getResource(classpathResourceBase + safeResourcePath(path));
            if (url != null && "file".equals(url.getProtocol())) {
                try {
                    dir = Paths.get(url.toURI());
                } catch (URISyntaxException e) {
                    return null;
                }
            }
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        String prefix = path.endsWith("/") ? path : path + "/";
        Set<String> out = new TreeSet<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.forEach(c -> out.add(prefix + c.getFileName() + (Files.isDirectory(c) ? "/" : "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public String getRealPath(String path) {
        String safe = safeResourcePath(path);
        if (resourceDirectory == null || safe == null) {
            return null;
        }
        Path p = resourceDirectory.resolve(safe.substring(1)).normalize();
        return p.startsWith(resourceDirectory) ? p.toString() : null;
    }

    // ---- dispatchers

    ServletApp app;

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        return Dispatcher.forPath(app, path);
    }

    @Override
    public RequestDispatcher getNamedDispatcher(String name) {
        ServletHolder holder = servletNamed(name);
        return holder == null ? null : Dispatcher.named(app, holder);
    }

    // ---- sessions and encodings

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        return sessionCookieConfig;
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> modes) {
        checkConfigurable();
        if (modes.contains(SessionTrackingMode.SSL) && modes.size() > 1) {
            throw new IllegalArgumentException("SSL tracking cannot be combined with other modes");
        }
        this.trackingModes = modes.isEmpty() ? EnumSet.noneOf(SessionTrackingMode.class) : EnumSet.copyOf(modes);
    }

    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE);
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return trackingModes == null ? getDefaultSessionTrackingModes() : EnumSet.copyOf(trackingModes);
    }

    @Override
    public int getSessionTimeout() {
        return sessionTimeoutMinutes;
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        checkConfigurable();
        this.sessionTimeoutMinutes = sessionTimeout;
    }

    @Override
    public String getRequestCharacterEncoding() {
        return requestCharacterEncoding;
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        checkConfigurable();
        this.requestCharacterEncoding = encoding;
    }

    @Override
    public String getResponseCharacterEncoding() {
        return responseCharacterEncoding;
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        checkConfigurable();
        this.responseCharacterEncoding = encoding;
    }

    @Override
    public String toString() {
        return "ServletContext@" + (contextPath.isEmpty() ? "/" : contextPath);
    }
}
