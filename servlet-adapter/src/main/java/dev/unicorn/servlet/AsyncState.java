package dev.unicorn.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The async cycle of one request and its {@link AsyncContext}. {@code complete()} and
 * {@code dispatch()} may come from any thread; they queue an action that the request's own
 * thread, waiting in {@link #awaitEnd()}, runs. The timeout is measured by that wait.
 */
final class AsyncState implements AsyncContext {
    private record Registered(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    private final Exchange exchange;
    final AsyncContext context = this;
    private final LinkedBlockingQueue<Runnable> actions = new LinkedBlockingQueue<>();
    private final List<Registered> listeners = new ArrayList<>();
    /** startAsync was called and the cycle has not been dispatched or completed. */
    volatile boolean started;
    /** complete() ran (or the error/timeout path completed the request). */
    volatile boolean ended;
    /** dispatch() or complete() was called in the current cycle. */
    private volatile boolean actionCalled;
    private volatile ServletRequest request;
    private volatile ServletResponse response;
    private volatile boolean original;
    private volatile long timeoutMillis;
    private int cycles;

    AsyncState(Exchange exchange) {
        this.exchange = exchange;
        this.timeoutMillis = exchange.app().asyncTimeoutMillis;
    }

    synchronized AsyncContext start(ServletRequest req, ServletResponse res, boolean isOriginal) {
        if (ended) {
            throw new IllegalStateException("the async cycle is complete");
        }
        if (started && !actionCalled) {
            throw new IllegalStateException("startAsync was called already in this dispatch");
        }
        if (cycles++ > 0) {
            List<Registered> previous = new ArrayList<>(listeners);
            listeners.clear();
            for (Registered r : previous) {
                try {
                    r.listener().onStartAsync(new AsyncEvent(this, r.request(), r.response()));
                } catch (IOException | RuntimeException e) {
                    AppContext.LOG.warn("AsyncListener.onStartAsync failed", e);
                }
            }
        }
        started = true;
        actionCalled = false;
        request = req;
        response = res;
        original = isOriginal;
        return this;
    }

    /** On the request thread, after the dispatch that started async returned: runs the cycle to its end. */
    void awaitEnd() throws Exception {
        while (!ended) {
            if (!started) {
                doComplete();
                break;
            }
            long timeout = timeoutMillis;
            Runnable next;
            if (timeout > 0) {
                next = actions.poll(timeout, TimeUnit.MILLISECONDS);
            } else {
                next = actions.take();
            }
            if (next == null) {
                onTimeout();
            } else {
                next.run();
            }
        }
    }

    private void onTimeout() throws Exception {
        for (Registered r : snapshot()) {
            try {
                r.listener().onTimeout(new AsyncEvent(this, r.request(), r.response()));
            } catch (IOException | RuntimeException e) {
                AppContext.LOG.warn("AsyncListener.onTimeout failed", e);
            }
        }
        if (!actionCalled) {
            // Servlet 6.1 §2.3.3.3: nobody completed or dispatched: an error dispatch, then complete
            actionCalled = true;
            started = false;
            exchange.asyncError(null, 500);
            doComplete();
        }
    }

    /** An exception escaped a dispatch while async was started: the listeners hear it, then the error page. */
    void failed(Throwable error) throws Exception {
        for (Registered r : snapshot()) {
            try {
                r.listener().onError(new AsyncEvent(this, r.request(), r.response(), error));
            } catch (IOException | RuntimeException e) {
                AppContext.LOG.warn("AsyncListener.onError failed", e);
            }
        }
        if (!actionCalled) {
            actionCalled = true;
            started = false;
            exchange.asyncError(error, 500);
            doComplete();
        }
    }

    private synchronized List<Registered> snapshot() {
        return new ArrayList<>(listeners);
    }

    private void doComplete() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        started = false;
        for (Registered r : snapshot()) {
            try {
                r.listener().onComplete(new AsyncEvent(this, r.request(), r.response()));
            } catch (IOException | RuntimeException e) {
                AppContext.LOG.warn("AsyncListener.onComplete failed", e);
            }
        }
        exchange.response().closeOutput();
    }

    private synchronized void claimAction(String what) {
        if (ended || !started) {
            throw new IllegalStateException(what + ": the request is not in async mode");
        }
        if (actionCalled) {
            throw new IllegalStateException(what + ": dispatch() or complete() was called already");
        }
        actionCalled = true;
    }

    @Override
    public ServletRequest getRequest() {
        if (ended) {
            throw new IllegalStateException("the async cycle is complete");
        }
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        if (ended) {
            throw new IllegalStateException("the async cycle is complete");
        }
        return response;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return original;
    }

    @Override
    public void dispatch() {
        String path;
        if (!original && request instanceof HttpServletRequest hr) {
            path = hr.getServletPath() + (hr.getPathInfo() == null ? "" : hr.getPathInfo());
            if (hr.getQueryString() != null) {
                path += "?" + hr.getQueryString();
            }
        } else {
            AppRequest base = exchange.request();
            path = base.getRequestURI().substring(base.getContextPath().length());
            if (base.getQueryString() != null) {
                path += "?" + base.getQueryString();
            }
        }
        dispatchTo(path);
    }

    @Override
    public void dispatch(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("an async dispatch path starts with '/': " + path);
        }
        dispatchTo(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        if (context != exchange.app().context) {
            throw new IllegalArgumentException("Unicorn dispatches only within the request's own context");
        }
        dispatch(path);
    }

    private void dispatchTo(String path) {
        claimAction("dispatch");
        ServletRequest req = request;
        ServletResponse res = response;
        actions.add(() -> {
            started = false;
            try {
                exchange.asyncDispatch(req, res, path);
            } catch (Exception e) {
                AppContext.LOG.warn("async dispatch to {} failed", path, e);
            }
            if (!started) {
                try {
                    doComplete();
                } catch (IOException e) {
                    AppContext.LOG.debug("completing after an async dispatch failed", e);
                }
            }
        });
    }

    @Override
    public void complete() {
        claimAction("complete");
        actions.add(() -> {
            try {
                doComplete();
            } catch (IOException e) {
                AppContext.LOG.debug("completing the response failed", e);
            }
        });
    }

    @Override
    public void start(Runnable run) {
        exchange.runAsync(run);
    }

    @Override
    public synchronized void addListener(AsyncListener listener) {
        listeners.add(new Registered(listener, request, response));
    }

    @Override
    public synchronized void addListener(AsyncListener listener, ServletRequest servletRequest,
            ServletResponse servletResponse) {
        listeners.add(new Registered(listener, servletRequest, servletResponse));
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        try {
            return clazz.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException("cannot create " + clazz.getName(), e);
        }
    }

    @Override
    public void setTimeout(long timeout) {
        this.timeoutMillis = timeout;
    }

    @Override
    public long getTimeout() {
        return timeoutMillis;
    }
}
