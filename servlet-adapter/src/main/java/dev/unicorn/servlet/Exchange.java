package dev.unicorn.servlet;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.HttpResponse;
import dev.unicorn.http.HttpStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request through the container, on the thread the worker model gave it: the REQUEST
 * dispatch, error pages, and the async cycle. While a request is in async mode this thread
 * waits for the application's {@code complete()} or {@code dispatch()} (or the timeout) and
 * runs the resulting ASYNC dispatch itself, so every dispatch of a request happens on the
 * thread that owns the connection and the response ends before {@code handle} returns.
 */
final class Exchange {
    private final ServletApp app;
    private final AppRequest request;
    private final AppResponse response;
    private final String requestId;
    private AsyncState async;
    private List<Part> parts;

    Exchange(ServletApp app, HttpRequest coreRequest, HttpResponse coreResponse, String pathInContext, String requestId) {
        this.app = app;
        this.requestId = requestId;
        this.request = new AppRequest(this, coreRequest, app.context, pathInContext);
        this.response = new AppResponse(this, coreResponse, app.context);
    }

    ServletApp app() {
        return app;
    }

    AppRequest request() {
        return request;
    }

    AppResponse response() {
        return response;
    }

    String requestId() {
        return requestId;
    }

    void partsToDelete(Collection<Part> p) {
        if (parts == null) {
            parts = new ArrayList<>();
        }
        parts.addAll(p);
    }

    /** Runs the request to its end: REQUEST dispatch, error page, async cycle, response completion. */
    void run() throws Exception {
        List<ServletRequestListener> listeners = app.context.listeners(ServletRequestListener.class);
        ServletRequestEvent event = listeners.isEmpty() ? null : new ServletRequestEvent(app.context, request);
        try {
            for (ServletRequestListener l : listeners) {
                l.requestInitialized(event);
            }
            ServletMapper.Match match = app.context.mapper.map(request.pathInContext());
            request.setMatch(match);
            if (match == null) {
                response.sendError(404);
            } else {
                dispatchCatching(request, response, () -> app.invoke(request, response, match.holder(),
                        request.pathInContext(), DispatcherType.REQUEST));
            }
            finishDispatch();
            if (async != null) {
                async.awaitEnd();
            }
            response.closeOutput();
        } finally {
            for (int i = listeners.size() - 1; i >= 0; i--) {
                try {
                    listeners.get(i).requestDestroyed(event);
                } catch (RuntimeException e) {
                    AppContext.LOG.warn("requestDestroyed failed for {}", request, e);
                }
            }
            if (parts != null) {
                for (Part p : parts) {
                    try {
                        p.delete();
                    } catch (IOException | RuntimeException e) {
                        AppContext.LOG.warn("cannot delete the multipart temp file of {}", p.getName(), e);
                    }
                }
            }
        }
    }

    /** A dispatch: what the filters and the servlet do. */
    interface Dispatch {
        void run() throws Exception;
    }

    /**
     * Runs {@code dispatch}; an exception becomes an error page (Servlet 6.1 §10.9.2) unless the
     * response is committed, in which case it propagates and the server aborts the response.
     */
    void dispatchCatching(ServletRequest req, ServletResponse res, Dispatch dispatch) throws Exception {
        try {
            dispatch.run();
        } catch (Exception e) {
            if (async != null && async.started && !async.ended) {
                async.failed(e);
                return;
            }
            if (response.isCommitted()) {
                throw e;
            }
            handleException(e);
        }
    }

    private void handleException(Throwable e) throws IOException {
        Throwable cause = e;
        if (cause instanceof RequestRejectedException r) {
            response.reset();
            response.sendError(r.status(), r.getMessage());
            return;
        }
        // a cause's status counts too: getParts() wraps the parser's 413 in the IllegalStateException the API asks for
        if (causeOf(e, BadRequestException.class) instanceof BadRequestException b && b.status() > 0) {
            response.reset();
            response.sendError(b.status(), b.getMessage());
            return;
        }
        if (cause instanceof PathDecoder.AmbiguousPathException) {
            response.reset();
            response.sendError(400, cause.getMessage());
            return;
        }
        int status = causeOf(e, UnavailableException.class) != null ? 503 : 500;
        AppContext.LOG.warn("{} {} failed: {}", request.getMethod(), request.getRequestURI(), e.toString(), e);
        Throwable reported = e instanceof ServletException se && se.getRootCause() != null ? se.getRootCause() : e;
        response.sendError(status, reported.getMessage());
        pendingException = e;
    }

    /** {@code e} or the first of its causes that is a {@code type}, or null. */
    private static Throwable causeOf(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private Throwable pendingException;

    /** After a dispatch returned: an error recorded by sendError or an exception gets its error page. */
    private void finishDispatch() throws Exception {
        if (!response.errorSent || (async != null && async.started && !async.ended)) {
            return;
        }
        response.errorSent = false;
        Throwable exception = pendingException;
        pendingException = null;
        if (response.isCommitted()) {
            return;
        }
        String location = app.errorPageFor(exception, response.getStatus());
        if (location == null) {
            writeDefaultErrorPage(response.getStatus(), response.errorMessage);
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(RequestDispatcher.ERROR_STATUS_CODE, response.getStatus());
        attributes.put(RequestDispatcher.ERROR_MESSAGE, response.errorMessage != null ? response.errorMessage
                : exception != null && exception.getMessage() != null ? exception.getMessage() : "");
        attributes.put(RequestDispatcher.ERROR_REQUEST_URI, request.getRequestURI());
        attributes.put(RequestDispatcher.ERROR_METHOD, request.getMethod());
        attributes.put(RequestDispatcher.ERROR_QUERY_STRING, request.getQueryString());
        attributes.put(RequestDispatcher.ERROR_SERVLET_NAME,
                request.match() == null ? null : request.match().holder().getName());
        if (exception != null) {
            // as Jetty and Tomcat: the error page sees the cause a ServletException wraps
            Throwable reported = exception instanceof ServletException se && se.getRootCause() != null
                    ? se.getRootCause() : exception;
            attributes.put(RequestDispatcher.ERROR_EXCEPTION, reported);
            attributes.put(RequestDispatcher.ERROR_EXCEPTION_TYPE, reported.getClass());
        }
        response.reopenForErrorPage();
        Dispatcher target = Dispatcher.forPath(app, location);
        try {
            target.dispatch(request, response, DispatcherType.ERROR, attributes);
        } catch (Exception e) {
            AppContext.LOG.warn("error page {} failed for {} {}", location, request.getMethod(),
                    request.getRequestURI(), e);
            if (!response.isCommitted()) {
                response.reset();
                response.setStatus(500);
                writeDefaultErrorPage(500, null);
            }
        }
    }

    /** The container's own error page ({@link ErrorPage}). */
    private void writeDefaultErrorPage(int status, String message) throws IOException {
        response.reopenForErrorPage();
        response.setStatus(status);
        if (HttpStatus.omitsBody(request.getMethod(), status)) {
            return;
        }
        String servlet = request.match() == null ? null : request.match().holder().getName();
        byte[] bytes = ErrorPage.html(status, message, request.getRequestURI(), servlet);
        response.setContentType(ErrorPage.CONTENT_TYPE);
        response.setHeader("Cache-Control", ErrorPage.CACHE_CONTROL);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The {@code Location} for {@code sendRedirect}: relative paths resolve against the request URI. */
    String redirectLocation(String location) {
        if (location.startsWith("/") || hasScheme(location)) {
            return location;
        }
        String uri = request.getRequestURI();
        String dir = uri.substring(0, uri.lastIndexOf('/') + 1);
        int q = location.indexOf('?');
        String path = q < 0 ? location : location.substring(0, q);
        String normalized = PathDecoder.normalizeDotSegments(dir + path);
        return (normalized == null ? "/" : normalized) + (q < 0 ? "" : location.substring(q));
    }

    private static boolean hasScheme(String location) {
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c == ':') {
                return i > 0;
            }
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return false;
    }

    // ---- async

    AsyncContext startAsync(ServletRequest req, ServletResponse res) {
        if (async == null) {
            async = new AsyncState(this);
        }
        return async.start(req, res, req == request && res == response);
    }

    boolean isAsyncStarted() {
        return async != null && async.started && !async.ended;
    }

    AsyncContext asyncContext() {
        return async == null ? null : async.context;
    }

    /** Runs {@code task} on a new virtual thread of this exchange (AsyncContext.start, read/write listeners). */
    void runAsync(Runnable task) {
        app.asyncThreads.newThread(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                AppContext.LOG.warn("async task of {} {} failed", request.getMethod(), request.getRequestURI(), t);
            }
        }).start();
    }

    /** Called by {@link AsyncState} on the request thread for an ASYNC dispatch. */
    void asyncDispatch(ServletRequest req, ServletResponse res, String path) throws Exception {
        Dispatcher target = Dispatcher.forPath(app, path);
        dispatchCatching(req, res, () -> target.dispatch(req, res, DispatcherType.ASYNC, null));
        finishDispatch();
    }

    /** The async cycle ended in a timeout or error no listener handled: answer an error as Jetty does. */
    void asyncError(Throwable error, int status) throws Exception {
        if (response.isCommitted()) {
            return;
        }
        if (error != null) {
            response.reset();
            pendingException = error;
        }
        response.sendError(status);
        finishDispatch();
    }
}
