package dev.unicorn.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;

/** One registered filter: its registration, its {@link FilterConfig}, and its mappings. */
final class FilterHolder extends RegistrationBase implements FilterRegistration.Dynamic, FilterConfig {
    private final Class<? extends Filter> filterClass;
    private Filter filter;
    private boolean initialized;

    FilterHolder(AppContext context, String name, Filter filter, Class<? extends Filter> filterClass) {
        super(context, name, filterClass.getName());
        this.filter = filter;
        this.filterClass = filterClass;
    }

    @Override
    public void addMappingForServletNames(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter,
            String... servletNames) {
        context.checkConfigurable();
        if (servletNames == null || servletNames.length == 0) {
            throw new IllegalArgumentException("no servlet name given");
        }
        context.addFilterMapping(new FilterMapping(this, types(dispatcherTypes), List.of(), List.of(servletNames)),
                isMatchAfter);
    }

    @Override
    public void addMappingForUrlPatterns(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter,
            String... urlPatterns) {
        context.checkConfigurable();
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException("no URL pattern given");
        }
        for (String p : urlPatterns) {
            ServletMapper.kind(p);
        }
        context.addFilterMapping(new FilterMapping(this, types(dispatcherTypes), List.of(urlPatterns), List.of()),
                isMatchAfter);
    }

    private static EnumSet<DispatcherType> types(EnumSet<DispatcherType> given) {
        // Servlet 6.1 §6.2.5: no dispatcher type means REQUEST
        return given == null || given.isEmpty() ? EnumSet.of(DispatcherType.REQUEST) : EnumSet.copyOf(given);
    }

    @Override
    public Collection<String> getServletNameMappings() {
        List<String> out = new ArrayList<>();
        for (FilterMapping m : context.filterMappings()) {
            if (m.holder() == this) {
                out.addAll(m.servletNames());
            }
        }
        return out;
    }

    @Override
    public Collection<String> getUrlPatternMappings() {
        List<String> out = new ArrayList<>();
        for (FilterMapping m : context.filterMappings()) {
            if (m.holder() == this) {
                out.addAll(m.urlPatterns());
            }
        }
        return out;
    }

    @Override
    public String getFilterName() {
        return getName();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    Filter filter() {
        return filter;
    }

    synchronized void init() throws ServletException {
        if (initialized) {
            return;
        }
        if (filter == null) {
            filter = context.createFilter(filterClass);
        }
        filter.init(this);
        initialized = true;
    }

    synchronized void destroy() {
        if (initialized) {
            initialized = false;
            filter.destroy();
        }
    }

    /**
     * One {@code addMappingFor...} call: the filter applies to a dispatch of one of
     * {@code dispatcherTypes} whose path matches one of {@code urlPatterns} or whose servlet is
     * one of {@code servletNames} ({@code *} names every servlet).
     */
    record FilterMapping(FilterHolder holder, EnumSet<DispatcherType> dispatcherTypes, List<String> urlPatterns,
            List<String> servletNames) {
        boolean matchesPath(String path) {
            for (String p : urlPatterns) {
                if (ServletMapper.matches(p, path)) {
                    return true;
                }
            }
            return false;
        }

        boolean matchesServlet(String servletName) {
            if (servletName == null) {
                return false;
            }
            for (String n : servletNames) {
                if (n.equals("*") || n.equals(servletName)) {
                    return true;
                }
            }
            return false;
        }
    }
}
