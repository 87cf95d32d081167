package dev.unicorn.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link RequestDispatcher} for a path in the context (mapped when it is obtained) or for a
 * named servlet. Forward, error and async dispatches show the target's paths through a
 * {@link DispatchedRequest}; an include keeps the caller's paths and sets the
 * {@code jakarta.servlet.include.*} attributes, and its response ignores status and headers.
 */
final class Dispatcher implements RequestDispatcher {
    private final ServletApp app;
    private final ServletMapper.Match match;
    private final ServletHolder named;
    /** The target path inside the context as given (not decoded), without its query. */
    private final String rawPath;
    private final String decodedPath;
    private final String query;

    private Dispatcher(ServletApp app, ServletMapper.Match match, ServletHolder named, String rawPath,
            String decodedPath, String query) {
        this.app = app;
        this.match = match;
        this.named = named;
        this.rawPath = rawPath;
        this.decodedPath = decodedPath;
        this.query = query;
    }

    /** A dispatcher for {@code pathWithQuery} (starting with '/'); {@code null} when the path is not acceptable. */
    static Dispatcher forPath(ServletApp app, String pathWithQuery) {
        int q = pathWithQuery.indexOf('?');
        String raw = q < 0 ? pathWithQuery : pathWithQuery.substring(0, q);
        String query = q < 0 ? null : pathWithQuery.substring(q + 1);
        String decoded;
        try {
            decoded = PathDecoder.decode(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Dispatcher(app, app.context.mapper.map(decoded), null, raw, decoded, query);
    }

    static Dispatcher named(ServletApp app, ServletHolder holder) {
        return new Dispatcher(app, null, holder, null, null, null);
    }

    /** {@code ServletRequest.getRequestDispatcher}: a relative path resolves against the request's current path. */
    static Dispatcher relativeTo(ServletApp app, HttpServletRequest request, String path) {
        if (path == null) {
            return null;
        }
        if (path.startsWith("/")) {
            return forPath(app, path);
        }
        String current = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (request.getDispatcherType() == DispatcherType.INCLUDE) {
            Object sp = request.getAttribute(INCLUDE_SERVLET_PATH);
            Object pi = request.getAttribute(INCLUDE_PATH_INFO);
            current = (sp == null ? "" : sp) + (pi == null ? "" : (String) pi);
        }
        String dir = current.substring(0, current.lastIndexOf('/') + 1);
        return forPath(app, (dir.isEmpty() ? "/" : dir) + path);
    }

    @Override
    public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        if (response.isCommitted()) {
            throw new IllegalStateException("forward after the response was committed");
        }
        response.resetBuffer();
        base(response).resetForForward();
        dispatch(request, response, DispatcherType.FORWARD, null);
        AppRequest base = base(request);
        if (!base.isAsyncStarted()) {
            // Servlet 6.1 §9.4: the response is committed and closed before forward returns
            if (response instanceof AppResponse r) {
                r.closeOutput();
            } else {
                try {
                    response.getOutputStream().close();
                } catch (IllegalStateException usesWriter) {
                    response.getWriter().close();
                }
            }
        }
    }

    @Override
    public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        dispatch(request, response, DispatcherType.INCLUDE, null);
    }

    /** Runs the dispatch of {@code type} (FORWARD, INCLUDE, ERROR or ASYNC) to this target. */
    void dispatch(ServletRequest request, ServletResponse response, DispatcherType type,
            Map<String, Object> extraAttributes) throws ServletException, IOException {
        HttpServletRequest hreq = (HttpServletRequest) request;
        HttpServletResponse hres = (HttpServletResponse) response;
        ServletHolder holder = named != null ? named : match == null ? null : match.holder();
        if (holder == null) {
            if (type == DispatcherType.INCLUDE) {
                throw new ServletException("no servlet is mapped to " + rawPath);
            }
            hres.sendError(404);
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        if (extraAttributes != null) {
            attributes.putAll(extraAttributes);
        }
        HttpServletRequest target;
        HttpServletResponse targetResponse = hres;
        String contextPath = app.context.getContextPath();
        if (named != null) {
            target = new DispatchedRequest(app, hreq, type, null, attributes, null);
            if (type == DispatcherType.INCLUDE) {
                targetResponse = new IncludeResponse(hres);
            }
        } else if (type == DispatcherType.INCLUDE) {
            attributes.put(INCLUDE_REQUEST_URI, contextPath + rawPath);
            attributes.put(INCLUDE_CONTEXT_PATH, contextPath);
            attributes.put(INCLUDE_SERVLET_PATH, match.servletPath());
            attributes.put(INCLUDE_PATH_INFO, match.pathInfo());
            attributes.put(INCLUDE_QUERY_STRING, query);
            attributes.put(INCLUDE_MAPPING, match);
            target = new DispatchedRequest(app, hreq, type, null, attributes, query);
            targetResponse = new IncludeResponse(hres);
        } else {
            if (type == DispatcherType.FORWARD) {
                // Servlet 6.1 §9.4.2: the values of the first forward stay
                if (hreq.getAttribute(FORWARD_REQUEST_URI) == null) {
                    putOriginalPaths(attributes, FORWARD_ATTRIBUTES, hreq);
                }
                hideIncludeAttributes(attributes);
            } else if (type == DispatcherType.ASYNC) {
                putOriginalPaths(attributes, ASYNC_ATTRIBUTES, hreq);
                hideIncludeAttributes(attributes);
            }
            String targetQuery = type == DispatcherType.ERROR ? hreq.getQueryString()
                    : query != null ? query : hreq.getQueryString();
            DispatchedRequest.Paths paths = new DispatchedRequest.Paths(contextPath + rawPath, contextPath,
                    match.servletPath(), match.pathInfo(), targetQuery, match);
            target = new DispatchedRequest(app, hreq, type, paths, attributes, type == DispatcherType.ERROR ? null : query);
        }
        app.invoke(target, targetResponse, holder, named != null ? null : decodedPath, type);
    }

    /** Request URI, context path, servlet path, path info, query string, mapping: in this order. */
    private static final String[] FORWARD_ATTRIBUTES = {FORWARD_REQUEST_URI, FORWARD_CONTEXT_PATH,
        FORWARD_SERVLET_PATH, FORWARD_PATH_INFO, FORWARD_QUERY_STRING, FORWARD_MAPPING};
    private static final String[] ASYNC_ATTRIBUTES = {AsyncContext.ASYNC_REQUEST_URI, AsyncContext.ASYNC_CONTEXT_PATH,
        AsyncContext.ASYNC_SERVLET_PATH, AsyncContext.ASYNC_PATH_INFO, AsyncContext.ASYNC_QUERY_STRING,
        AsyncContext.ASYNC_MAPPING};
    private static final String[] INCLUDE_ATTRIBUTES = {INCLUDE_REQUEST_URI, INCLUDE_CONTEXT_PATH,
        INCLUDE_SERVLET_PATH, INCLUDE_PATH_INFO, INCLUDE_QUERY_STRING, INCLUDE_MAPPING};

    /** The paths of {@code request} under {@code names} (the order of {@link #FORWARD_ATTRIBUTES}). */
    private static void putOriginalPaths(Map<String, Object> attributes, String[] names, HttpServletRequest request) {
        attributes.put(names[0], request.getRequestURI());
        attributes.put(names[1], request.getContextPath());
        attributes.put(names[2], request.getServletPath());
        attributes.put(names[3], request.getPathInfo());
        attributes.put(names[4], request.getQueryString());
        attributes.put(names[5], request.getHttpServletMapping());
    }

    private static void hideIncludeAttributes(Map<String, Object> attributes) {
        for (String name : INCLUDE_ATTRIBUTES) {
            attributes.putIfAbsent(name, null);
        }
    }

    /** The container's request under any wrappers the application added. */
    static AppRequest base(ServletRequest request) {
        ServletRequest r = request;
        while (true) {
            if (r instanceof AppRequest a) {
                return a;
            }
            if (r instanceof ServletRequestWrapper w) {
                r = w.getRequest();
            } else {
                throw new IllegalStateException("not a request of this container or a wrapper of one: " + request);
            }
        }
    }

    /** The container's response under any wrappers the application added. */
    static AppResponse base(ServletResponse response) {
        ServletResponse r = response;
        while (true) {
            if (r instanceof AppResponse a) {
                return a;
            }
            if (r instanceof ServletResponseWrapper w) {
                r = w.getResponse();
            } else {
                throw new IllegalStateException("not a response of this container or a wrapper of one: " + response);
            }
        }
    }
}
