package dev.unicorn.examples.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers with a text report of what the container showed it: paths, mapping, dispatcher
 * type, parameters, cookies, and every dispatch attribute. The differential tests compare the
 * reports of Unicorn and Jetty line by line.
 */
class ReportServlet extends HttpServlet {
    private static final String[] DISPATCH_ATTRIBUTES = {
        RequestDispatcher.FORWARD_REQUEST_URI, RequestDispatcher.FORWARD_CONTEXT_PATH,
        RequestDispatcher.FORWARD_SERVLET_PATH, RequestDispatcher.FORWARD_PATH_INFO,
        RequestDispatcher.FORWARD_QUERY_STRING, RequestDispatcher.FORWARD_MAPPING,
        RequestDispatcher.INCLUDE_REQUEST_URI, RequestDispatcher.INCLUDE_CONTEXT_PATH,
        RequestDispatcher.INCLUDE_SERVLET_PATH, RequestDispatcher.INCLUDE_PATH_INFO,
        RequestDispatcher.INCLUDE_QUERY_STRING, RequestDispatcher.INCLUDE_MAPPING,
        RequestDispatcher.ERROR_STATUS_CODE, RequestDispatcher.ERROR_EXCEPTION_TYPE,
        RequestDispatcher.ERROR_EXCEPTION, RequestDispatcher.ERROR_REQUEST_URI,
        RequestDispatcher.ERROR_SERVLET_NAME, RequestDispatcher.ERROR_METHOD, RequestDispatcher.ERROR_QUERY_STRING,
        AsyncContext.ASYNC_REQUEST_URI, AsyncContext.ASYNC_CONTEXT_PATH, AsyncContext.ASYNC_SERVLET_PATH,
        AsyncContext.ASYNC_PATH_INFO, AsyncContext.ASYNC_QUERY_STRING, AsyncContext.ASYNC_MAPPING,
    };

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print(report(req));
    }

    static String report(HttpServletRequest req) {
        StringBuilder sb = new StringBuilder();
        sb.append("servlet=").append(req.getHttpServletMapping() == null ? null : req.getHttpServletMapping().getServletName()).append('\n');
        sb.append("dispatcherType=").append(req.getDispatcherType()).append('\n');
        sb.append("method=").append(req.getMethod()).append('\n');
        sb.append("requestURI=").append(req.getRequestURI()).append('\n');
        sb.append("contextPath=").append(req.getContextPath()).append('\n');
        sb.append("servletPath=").append(req.getServletPath()).append('\n');
        sb.append("pathInfo=").append(req.getPathInfo()).append('\n');
        sb.append("queryString=").append(req.getQueryString()).append('\n');
        sb.append("mapping=").append(mapping(req.getHttpServletMapping())).append('\n');
        Map<String, List<String>> params = new TreeMap<>();
        for (Map.Entry<String, String[]> e : req.getParameterMap().entrySet()) {
            params.put(e.getKey(), List.of(e.getValue()));
        }
        sb.append("parameters=").append(params).append('\n');
        List<String> cookies = new ArrayList<>();
        if (req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                cookies.add(c.getName() + "=" + c.getValue());
            }
        }
        sb.append("cookies=").append(cookies).append('\n');
        sb.append("filters=").append(req.getAttribute("filters")).append('\n');
        for (String name : DISPATCH_ATTRIBUTES) {
            Object v = req.getAttribute(name);
            if (v != null) {
                sb.append(name).append('=').append(value(v)).append('\n');
            }
        }
        if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ERROR) {
            return sb.toString(); // Jetty lists unset error attributes among the names: not compared
        }
        // distinct: Jetty lists each async attribute name twice
        List<String> names = Collections.list(req.getAttributeNames());
        Collections.sort(names);
        sb.append("attributeNames=").append(names.stream().distinct().filter(n -> n.startsWith("jakarta.servlet.")
                && !n.startsWith("jakarta.servlet.request.") && !n.equals("jakarta.servlet.context.tempdir")).toList()).append('\n');
        return sb.toString();
    }

    private static String value(Object v) {
        if (v instanceof HttpServletMapping m) {
            return mapping(m);
        }
        if (v instanceof Throwable t) {
            return t.getClass().getName() + ": " + t.getMessage();
        }
        if (v instanceof Class<?> c) {
            return c.getName();
        }
        return String.valueOf(v);
    }

    static String mapping(HttpServletMapping m) {
        return m == null ? "null" : m.getMappingMatch() + "|" + m.getPattern() + "|" + m.getMatchValue() + "|" + m.getServletName();
    }
}
