package dev.unicorn.examples.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The web application both containers run in the differential tests: servlets on every kind
 * of mapping, forward/include/named dispatchers, errors by status and by exception, redirects,
 * cookies, header and content-type handling, and two filters (one by URL pattern on every
 * dispatcher type, one by servlet name).
 */
final class DifferentialApp implements ServletContainerInitializer {
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
        ctx.addServlet("root", new ReportServlet()).addMapping("");
        ctx.addServlet("exact", new ReportServlet()).addMapping("/exact", "/exact.ext");
        ctx.addServlet("prefix", new ReportServlet()).addMapping("/prefix/*");
        ctx.addServlet("deeper", new ReportServlet()).addMapping("/prefix/deeper/*");
        ctx.addServlet("ext", new ReportServlet()).addMapping("*.ext");
        ctx.addServlet("default", new ReportServlet()).addMapping("/");
        ctx.addServlet("errorpage", new ReportServlet()).addMapping("/error-page");
        ctx.addServlet("fwd", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                resp.setHeader("X-Before-Forward", "dropped? no: headers survive a forward");
                resp.getWriter().print("discarded by the forward");
                req.getRequestDispatcher(req.getParameter("to")).forward(req, resp);
                resp.getWriter().print("ignored after the forward");
            }
        }).addMapping("/fwd/*");
        ctx.addServlet("inc", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                resp.setContentType("text/plain;charset=UTF-8");
                PrintWriter w = resp.getWriter();
                w.print("before\n");
                req.getRequestDispatcher(req.getParameter("to")).include(req, resp);
                w.print("after\n");
                w.print(ReportServlet.report(req));
            }
        }).addMapping("/inc/*");
        ctx.addServlet("named", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                req.getServletContext().getNamedDispatcher("exact").forward(req, resp);
            }
        }).addMapping("/named");
        ctx.addServlet("status", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setHeader("X-Kept", "yes");
                resp.getWriter().print("discarded by sendError");
                resp.sendError(Integer.parseInt(req.getPathInfo().substring(1)), "custom message");
            }
        }).addMapping("/status/*");
        ctx.addServlet("throw", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                switch (req.getPathInfo()) {
                    case "/io" -> throw new IOException("boom-io");
                    case "/state" -> throw new IllegalStateException("boom-state");
                    default -> throw new ServletException("wrapped", new IllegalStateException("inner"));
                }
            }
        }).addMapping("/throw/*");
        ctx.addServlet("redirect", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendRedirect(req.getParameter("to"));
            }
        }).addMapping("/redirect/*");
        ctx.addServlet("cookies", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.addCookie(new Cookie("plain", "v1"));
                Cookie full = new Cookie("full", "v2");
                full.setPath("/p");
                full.setDomain("example.com");
                full.setHttpOnly(true);
                full.setSecure(true);
                resp.addCookie(full);
                Cookie strict = new Cookie("strict", "v3");
                strict.setAttribute("SameSite", "Strict");
                resp.addCookie(strict);
                Cookie partitioned = new Cookie("part", "v4");
                partitioned.setSecure(true);
                partitioned.setAttribute("SameSite", "None");
                partitioned.setAttribute("Partitioned", "");
                resp.addCookie(partitioned);
                Cookie gone = new Cookie("gone", "");
                gone.setMaxAge(0);
                resp.addCookie(gone);
                resp.setContentType("text/plain");
                resp.getWriter().print("cookies");
            }
        }).addMapping("/cookies");
        ctx.addServlet("headers", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                switch (req.getPathInfo()) {
                    case "/writer-default" -> {
                        resp.setContentType("text/plain");
                        resp.getWriter().print("caf\u00e9");
                    }
                    case "/encoding-then-type" -> {
                        resp.setCharacterEncoding("UTF-8");
                        resp.setContentType("text/csv");
                        resp.getWriter().print("{\"k\":\"\u00e9\"}");
                    }
                    case "/type-after-writer" -> {
                        resp.setContentType("text/plain;charset=UTF-8");
                        PrintWriter w = resp.getWriter();
                        resp.setContentType("text/html;charset=ISO-8859-1");
                        resp.setCharacterEncoding("US-ASCII");
                        w.print(("\u00e9" + resp.getCharacterEncoding() + " " + resp.getContentType()).toLowerCase(Locale.ROOT));
                    }
                    case "/stream" -> {
                        resp.setContentType("application/octet-stream");
                        resp.getOutputStream().write(new byte[] {0, 1, 2, (byte) 255});
                    }
                    case "/typed" -> {
                        resp.setIntHeader("X-Int", 42);
                        resp.setDateHeader("X-Date", 0);
                        resp.addHeader("X-Multi", "a");
                        resp.addHeader("X-Multi", "b");
                        resp.setHeader("X-Removed", "x");
                        resp.setHeader("X-Removed", null);
                        resp.setLocale(Locale.FRANCE);
                        resp.setHeader("Content-Type", "text/plain; charset=utf-8");
                        resp.getWriter().print(resp.getHeaderNames().contains("X-Multi") + " " + resp.getHeader("X-Int"));
                    }
                    case "/length" -> {
                        resp.setContentLength(5);
                        resp.getOutputStream().write("12345".getBytes());
                    }
                    case "/reset" -> {
                        resp.setHeader("X-Gone", "1");
                        resp.setStatus(201);
                        resp.getOutputStream().write("gone".getBytes());
                        resp.reset();
                        resp.setContentType("text/plain;charset=UTF-8");
                        resp.getOutputStream().write(("after reset " + resp.getStatus()).getBytes());
                    }
                    default -> resp.sendError(404);
                }
            }
        }).addMapping("/headers/*");
        ctx.addServlet("async", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) {
                jakarta.servlet.AsyncContext ac = req.startAsync();
                String to = req.getParameter("to");
                new Thread(() -> {
                    if (to == null) {
                        ac.complete();
                    } else {
                        ac.dispatch(to);
                    }
                }).start();
            }
        }).setAsyncSupported(true);
        ctx.getServletRegistration("async").addMapping("/async/*");
        FilterRegistration.Dynamic trace = ctx.addFilter("trace", tracing("trace"));
        trace.setAsyncSupported(true);
        trace.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        FilterRegistration.Dynamic byName = ctx.addFilter("byname", tracing("byname"));
        byName.addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD), true, "ext", "exact");
    }

    /** A filter that appends {@code label:dispatcherType} to the request attribute {@code filters}. */
    private static Filter tracing(String label) {
        return (req, resp, chain) -> {
            Object before = req.getAttribute("filters");
            req.setAttribute("filters", (before == null ? "" : before + ",") + label + ":" + req.getDispatcherType());
            chain.doFilter(req, resp);
        };
    }
}
