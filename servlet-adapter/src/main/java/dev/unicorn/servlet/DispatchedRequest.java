package dev.unicorn.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request as a dispatch target sees it: the dispatcher type, the target's paths (forward,
 * error, async; {@code null} paths keep the caller's, as include does), the dispatch
 * attributes, and the parameters of the dispatch path's query merged in front. Other
 * attributes are read from and written to the wrapped request, so they outlive the dispatch.
 */
final class DispatchedRequest extends HttpServletRequestWrapper {
    /** The path view of a forward, error or async target. */
    record Paths(String requestUri, String contextPath, String servletPath, String pathInfo, String queryString,
            HttpServletMapping mapping) {
    }

    private final ServletApp app;
    private final DispatcherType type;
    private final Paths paths;
    /** Dispatch attributes; a {@code null} value hides the wrapped request's attribute of that name. */
    private final Map<String, Object> attributes;
    private final String query;
    private Map<String, List<String>> parameters;

    DispatchedRequest(ServletApp app, HttpServletRequest request, DispatcherType type, Paths paths,
            Map<String, Object> attributes, String query) {
        super(request);
        this.app = app;
        this.type = type;
        this.paths = paths;
        this.attributes = attributes;
        this.query = query;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return type;
    }

    /** Servlet 6.1: an error page is dispatched as GET (HEAD stays HEAD); the original method is {@code jakarta.servlet.error.method}. */
    @Override
    public String getMethod() {
        String method = super.getMethod();
        return type == DispatcherType.ERROR && !"HEAD".equals(method) ? "GET" : method;
    }

    @Override
    public String getRequestURI() {
        return paths == null ? super.getRequestURI() : paths.requestUri();
    }

    @Override
    public StringBuffer getRequestURL() {
        if (paths == null) {
            return super.getRequestURL();
        }
        StringBuffer url = super.getRequestURL();
        String original = super.getRequestURI();
        url.setLength(url.length() - original.length());
        return url.append(paths.requestUri());
    }

    @Override
    public String getContextPath() {
        return paths == null ? super.getContextPath() : paths.contextPath();
    }

    @Override
    public String getServletPath() {
        return paths == null ? super.getServletPath() : paths.servletPath();
    }

    @Override
    public String getPathInfo() {
        return paths == null ? super.getPathInfo() : paths.pathInfo();
    }

    @Override
    public String getPathTranslated() {
        String info = getPathInfo();
        return info == null ? null : getServletContext().getRealPath(info);
    }

    @Override
    public String getQueryString() {
        return paths == null ? super.getQueryString() : paths.queryString();
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        return paths == null ? super.getHttpServletMapping() : paths.mapping();
    }

    @Override
    public Object getAttribute(String name) {
        if (attributes.containsKey(name)) {
            return attributes.get(name);
        }
        return super.getAttribute(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        Set<String> names = new LinkedHashSet<>(Collections.list(super.getAttributeNames()));
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            if (e.getValue() == null) {
                names.remove(e.getKey());
            } else {
                names.add(e.getKey());
            }
        }
        return Collections.enumeration(names);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (isDispatchAttribute(name)) {
            attributes.put(name, value);
        } else {
            super.setAttribute(name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (isDispatchAttribute(name)) {
            attributes.put(name, null);
        } else {
            super.removeAttribute(name);
        }
    }

    private boolean isDispatchAttribute(String name) {
        return attributes.containsKey(name) && (name.startsWith("jakarta.servlet.forward.")
                || name.startsWith("jakarta.servlet.include.") || name.startsWith("jakarta.servlet.async.")
                || name.startsWith("jakarta.servlet.error."));
    }

    private Map<String, List<String>> parameters() {
        if (parameters == null) {
            Map<String, List<String>> own = new LinkedHashMap<>();
            FormDecoder.decode(query, StandardCharsets.UTF_8, own, app.maxFormKeys);
            Map<String, List<String>> wrapped = new LinkedHashMap<>();
            for (Map.Entry<String, String[]> e : super.getParameterMap().entrySet()) {
                wrapped.put(e.getKey(), new ArrayList<>(List.of(e.getValue())));
            }
            parameters = FormDecoder.merge(own, wrapped);
        }
        return parameters;
    }

    @Override
    public String getParameter(String name) {
        if (query == null) {
            return super.getParameter(name);
        }
        List<String> v = parameters().get(name);
        return v == null ? null : v.get(0);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return query == null ? super.getParameterMap() : FormDecoder.toArrayMap(parameters());
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return query == null ? super.getParameterNames() : Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        if (query == null) {
            return super.getParameterValues(name);
        }
        List<String> v = parameters().get(name);
        return v == null ? null : v.toArray(new String[0]);
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return Dispatcher.relativeTo(app, this, path);
    }
}
