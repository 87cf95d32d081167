package dev.unicorn.servlet;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.MultipartConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** One registered servlet: its registration, its {@link ServletConfig}, and its lazy initialisation. */
final class ServletHolder extends RegistrationBase implements ServletRegistration.Dynamic, ServletConfig {
    private final Class<? extends Servlet> servletClass;
    private final Set<String> mappings = new LinkedHashSet<>();
    /** Registration order: ties in load-on-startup order keep it. */
    final int order;
    private volatile Servlet servlet;
    private volatile boolean initialized;
    private int loadOnStartup = -1;
    private MultipartConfigElement multipartConfig;
    private String runAsRole;

    ServletHolder(AppContext context, String name, Servlet servlet, Class<? extends Servlet> servletClass, int order) {
        super(context, name, servletClass.getName());
        this.servlet = servlet;
        this.servletClass = servletClass;
        this.order = order;
        MultipartConfig annotation = servletClass.getAnnotation(MultipartConfig.class);
        if (annotation != null) {
            multipartConfig = new MultipartConfigElement(annotation);
        }
    }

    @Override
    public Set<String> addMapping(String... urlPatterns) {
        context.checkConfigurable();
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException("no URL pattern given");
        }
        return context.addServletMappings(this, urlPatterns);
    }

    void mapped(String pattern) {
        mappings.add(pattern);
    }

    @Override
    public Collection<String> getMappings() {
        return Collections.unmodifiableSet(mappings);
    }

    @Override
    public String getRunAsRole() {
        return runAsRole;
    }

    @Override
    public void setLoadOnStartup(int loadOnStartup) {
        context.checkConfigurable();
        this.loadOnStartup = loadOnStartup;
    }

    int loadOnStartup() {
        return loadOnStartup;
    }

    /** Stored only: Unicorn enforces no declarative security; the patterns are reported as not conflicting. */
    @Override
    public Set<String> setServletSecurity(ServletSecurityElement constraint) {
        Objects.requireNonNull(constraint, "constraint");
        context.checkConfigurable();
        return Set.of();
    }

    @Override
    public void setMultipartConfig(MultipartConfigElement multipartConfig) {
        Objects.requireNonNull(multipartConfig, "multipartConfig");
        context.checkConfigurable();
        this.multipartConfig = multipartConfig;
    }

    MultipartConfigElement multipartConfig() {
        return multipartConfig;
    }

    @Override
    public void setRunAsRole(String roleName) {
        context.checkConfigurable();
        this.runAsRole = roleName;
    }

    @Override
    public String getServletName() {
        return getName();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    boolean isInitialized() {
        return initialized;
    }

    /** The servlet, created and initialised on first use unless load-on-startup did it already. */
    Servlet servlet() throws ServletException {
        if (!initialized) {
            init();
        }
        return servlet;
    }

    synchronized void init() throws ServletException {
        if (initialized) {
            return;
        }
        if (servlet == null) {
            servlet = context.createServlet(servletClass);
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(context.getClassLoader());
        try {
            servlet.init(this);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        initialized = true;
        context.servletInitialized(this);
    }

    synchronized void destroy() {
        if (initialized) {
            initialized = false;
            servlet.destroy();
        }
    }

    @Override
    public String toString() {
        return "servlet " + getName() + " " + mappings;
    }
}
