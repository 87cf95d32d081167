package dev.unicorn.servlet;

import dev.unicorn.http.BadRequestException;
import dev.unicorn.http.Headers;
import dev.unicorn.http.HttpRequest;
import dev.unicorn.http.TlsSession;
import dev.unicorn.servlet.multipart.MultipartForm;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The container's {@link HttpServletRequest} over a core {@link HttpRequest}: the REQUEST
 * dispatch view. Forward, include, error and async dispatches wrap it ({@link DispatchedRequest}).
 */
final class AppRequest implements HttpServletRequest {
    private static final String TLS_ATTRIBUTE_PREFIX = "jakarta.servlet.request.";
    private static final String CIPHER_SUITE = "jakarta.servlet.request.cipher_suite";
    private static final String KEY_SIZE = "jakarta.servlet.request.key_size";
    private static final String X509_CERTIFICATE = "jakarta.servlet.request.X509Certificate";
    private final Exchange exchange;
    private final HttpRequest core;
    private final AppContext context;
    private final String pathInContext;
    private ServletMapper.Match match;
    private final AttributeMap<ServletRequestAttributeListener, ServletRequestAttributeEvent> attributes;
    private String characterEncoding;
    private boolean encodingFromContentType;
    private Map<String, List<String>> parameters;
    private Cookie[] cookies;
    private List<Locale> locales;
    private RequestInput input;
    private BufferedReader reader;
    private Collection<Part> parts;
    boolean asyncSupported;

    AppRequest(Exchange exchange, HttpRequest core, AppContext context, String pathInContext) {
        this.exchange = exchange;
        this.core = core;
        this.context = context;
        this.pathInContext = pathInContext;
        this.attributes = new AttributeMap<>(() -> context.listeners(ServletRequestAttributeListener.class),
                (name, value) -> new ServletRequestAttributeEvent(context, this, name, value),
                ServletRequestAttributeListener::attributeAdded, ServletRequestAttributeListener::attributeReplaced,
                ServletRequestAttributeListener::attributeRemoved);
        String fromType = HttpFields.mediaTypeParameter(core.header("Content-Type"), "charset");
        if (fromType != null) {
            characterEncoding = fromType;
            encodingFromContentType = true;
        } else {
            characterEncoding = context.getRequestCharacterEncoding();
        }
    }

    HttpRequest core() {
        return core;
    }

    Exchange exchange() {
        return exchange;
    }

    /** The decoded path inside the context, as mapped. */
    String pathInContext() {
        return pathInContext;
    }

    void setMatch(ServletMapper.Match match) {
        this.match = match;
    }

    ServletMapper.Match match() {
        return match;
    }

    // ---- attributes

    @Override
    public Object getAttribute(String name) {
        Object value = attributes.get(name);
        return value == null && name.startsWith(TLS_ATTRIBUTE_PREFIX) ? tlsAttribute(name) : value;
    }

    /** The TLS attributes of Servlet 6.1 §3.10, from the connection's TLS session; null on a plain connection. */
    private Object tlsAttribute(String name) {
        TlsSession tls = core.tlsSession();
        if (tls == null) {
            return null;
        }
        return switch (name) {
            case CIPHER_SUITE -> tls.cipherSuite();
            case KEY_SIZE -> keySize(tls.cipherSuite());
            case X509_CERTIFICATE -> tls.peerCertificates().isEmpty() ? null
                    : tls.peerCertificates().toArray(new X509Certificate[0]);
            default -> null;
        };
    }

    /** The bulk cipher's key size in bits, read from the suite's name ({@code TLS_AES_128_GCM_SHA256} -> 128), or null. */
    static Integer keySize(String cipherSuite) {
        if (cipherSuite.contains("CHACHA20")) {
            return 256;
        }
        for (String part : cipherSuite.split("_")) {
            if (part.equals("128") || part.equals("256") || part.equals("192")) {
                return Integer.valueOf(part);
            }
        }
        return null;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        if (core.tlsSession() != null) {
            List<String> names = new ArrayList<>(Collections.list(attributes.names()));
            for (String tlsName : List.of(CIPHER_SUITE, KEY_SIZE, X509_CERTIFICATE)) {
                if (!names.contains(tlsName) && tlsAttribute(tlsName) != null) {
                    names.add(tlsName);
                }
            }
            return Collections.enumeration(names);
        }
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

    // ---- encoding and body

    @Override
    public String getCharacterEncoding() {
        return characterEncoding;
    }

    @Override
    public void setCharacterEncoding(String env) throws UnsupportedEncodingException {
        if (reader != null || parameters != null) {
            return; // Servlet 6.1: no effect once the body or parameters were read
        }
        if (env == null) {
            characterEncoding = null;
            return;
        }
        charset(env);
        characterEncoding = env;
        encodingFromContentType = false;
    }

    @Override
    public void setCharacterEncoding(Charset encoding) {
        if (reader != null || parameters != null) {
            return;
        }
        characterEncoding = encoding.name();
    }

    private static Charset charset(String name) throws UnsupportedEncodingException {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedEncodingException(name);
        }
    }

    /** The body charset: the request's encoding when known and valid, else {@code fallback}. */
    private Charset bodyCharset(Charset fallback) {
        if (characterEncoding == null) {
            return fallback;
        }
        try {
            return charset(characterEncoding);
        } catch (UnsupportedEncodingException e) {
            return fallback;
        }
    }

    @Override
    public int getContentLength() {
        long n = getContentLengthLong();
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    @Override
    public long getContentLengthLong() {
        String v = core.header("Content-Length");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String getContentType() {
        return core.header("Content-Type");
    }

    boolean hasBody() {
        return core.headers().contains("Transfer-Encoding") || getContentLengthLong() > 0;
    }

    RequestInput input() {
        if (input == null) {
            input = new RequestInput(exchange, core.body(), !hasBody());
        }
        return input;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (reader != null) {
            throw new IllegalStateException("getReader() was called already");
        }
        return input().handOut();
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            if (input != null && input.streamHandedOut) {
                throw new IllegalStateException("getInputStream() was called already");
            }
            reader = new BufferedReader(new InputStreamReader(input(), bodyCharset(StandardCharsets.ISO_8859_1)));
        }
        return reader;
    }

    // ---- parameters

    private Map<String, List<String>> parameters() {
        if (parameters == null) {
            Map<String, List<String>> p = new LinkedHashMap<>();
            FormDecoder.decode(core.query(), StandardCharsets.UTF_8, p, exchange.app().maxFormKeys);
            if (isFormPost()) {
                readForm(p);
            }
            parameters = p;
            if (isMultipartForServlet()) {
                readParts();
            }
        }
        return parameters;
    }

    /** Servlet 6.1 §3.2: the form fields of a multipart request to a servlet with a multipart configuration are parameters. */
    private boolean isMultipartForServlet() {
        return parts == null && match != null && match.holder().multipartConfig() != null
                && "multipart/form-data".equalsIgnoreCase(HttpFields.mediaTypeWithoutParameters(getContentType()))
                && reader == null && (input == null || !input.streamHandedOut);
    }

    /** getParts() for getParameter, which throws no checked exception: a bad body is the client's (as Jetty, 400). */
    private void readParts() {
        try {
            getParts();
        } catch (ServletException | IOException e) {
            Throwable cause = e instanceof ServletException && e.getCause() != null ? e.getCause() : e;
            int status = cause instanceof BadRequestException b && b.status() > 0 ? b.status() : 400;
            throw new RequestRejectedException(status, "cannot read the multipart form: " + cause.getMessage());
        }
    }

    private boolean isFormPost() {
        return "POST".equals(core.method())
                && "application/x-www-form-urlencoded".equalsIgnoreCase(HttpFields.mediaTypeWithoutParameters(getContentType()))
                && reader == null && (input == null || !input.streamHandedOut);
    }

    private void readForm(Map<String, List<String>> into) {
        int limit = exchange.app().maxFormContentSize;
        long declared = getContentLengthLong();
        if (declared > limit) {
            throw new RequestRejectedException(400, "form content larger than " + limit + " bytes");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            InputStream in = input();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (bytes.size() + n > limit) {
                    throw new RequestRejectedException(400, "form content larger than " + limit + " bytes");
                }
                bytes.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new RequestRejectedException(400, "cannot read the form: " + e.getMessage());
        }
        FormDecoder.decode(bytes.toString(StandardCharsets.ISO_8859_1), bodyCharset(StandardCharsets.UTF_8), into,
                exchange.app().maxFormKeys);
    }

    /** Adds the parameters of {@code query} in front of the current ones (what a dispatch with a query does). */
    Map<String, List<String>> parametersWith(String query) {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        FormDecoder.decode(query, StandardCharsets.UTF_8, extra, exchange.app().maxFormKeys);
        return FormDecoder.merge(extra, parameters());
    }

    @Override
    public String getParameter(String name) {
        List<String> v = parameters().get(name);
        return v == null ? null : v.get(0);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        List<String> v = parameters().get(name);
        return v == null ? null : v.toArray(new String[0]);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return FormDecoder.toArrayMap(parameters());
    }

    // ---- protocol, addresses

    @Override
    public String getProtocol() {
        return core.version().toString();
    }

    @Override
    public String getScheme() {
        return core.scheme();
    }

    @Override
    public boolean isSecure() {
        return "https".equalsIgnoreCase(core.scheme());
    }

    private String host() {
        String host = core.header("Host");
        if (host == null || host.isEmpty()) {
            String uri = core.target();
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                int end = uri.indexOf('/', scheme + 3);
                return uri.substring(scheme + 3, end < 0 ? uri.length() : end);
            }
            return null;
        }
        return host;
    }

    @Override
    public String getServerName() {
        String host = host();
        if (host == null) {
            return getLocalAddr();
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    @Override
    public int getServerPort() {
        String host = host();
        if (host == null) {
            return getLocalPort();
        }
        int close = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        if (colon > close && colon < host.length() - 1) {
            try {
                return Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                // fall through to the scheme's port
            }
        }
        return isSecure() ? 443 : 80;
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return a == null ? "" : a.toString();
    }

    private static int port(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getPort() : 0;
    }

    @Override
    public String getRemoteAddr() {
        return address(core.remoteAddress());
    }

    @Override
    public String getRemoteHost() {
        return getRemoteAddr(); // no reverse DNS lookup on the request path
    }

    @Override
    public int getRemotePort() {
        return port(core.remoteAddress());
    }

    @Override
    public String getLocalName() {
        return getLocalAddr();
    }

    @Override
    public String getLocalAddr() {
        return address(core.localAddress());
    }

    @Override
    public int getLocalPort() {
        return port(core.localAddress());
    }

    // ---- locales

    private List<Locale> locales() {
        if (locales == null) {
            List<Locale> l = HttpFields.parseAcceptLanguage(core.headers().getAll("Accept-Language"));
            locales = l.isEmpty() ? List.of(Locale.getDefault()) : l;
        }
        return locales;
    }

    @Override
    public Locale getLocale() {
        return locales().get(0);
    }

    @Override
    public Enumeration<Locale> getLocales() {
        return Collections.enumeration(locales());
    }

    // ---- dispatch and async

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return Dispatcher.relativeTo(exchange.app(), this, path);
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, exchange.response());
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        if (!asyncSupported) {
            throw new IllegalStateException("a filter or servlet of this request does not support async");
        }
        return exchange.startAsync(request, response);
    }

    @Override
    public boolean isAsyncStarted() {
        return exchange.isAsyncStarted();
    }

    @Override
    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext ac = exchange.asyncContext();
        if (ac == null || !exchange.isAsyncStarted()) {
            throw new IllegalStateException("startAsync() was not called");
        }
        return ac;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return DispatcherType.REQUEST;
    }

    @Override
    public String getRequestId() {
        return exchange.requestId();
    }

    @Override
    public String getProtocolRequestId() {
        return "";
    }

    @Override
    public ServletConnection getServletConnection() {
        return new Connection(core);
    }

    /**
     * The connection as the Servlet API sees it. Core does not number connections, so the id is
     * the pair of socket addresses, unique among the open connections.
     */
    private record Connection(HttpRequest core) implements ServletConnection {
        @Override
        public String getConnectionId() {
            return address(core.remoteAddress()) + ":" + port(core.remoteAddress()) + "-" + port(core.localAddress());
        }

        @Override
        public String getProtocol() {
            return core.version().atLeast11() && core.version().major() == 2 ? "h2" : "http/1.1";
        }

        @Override
        public String getProtocolConnectionId() {
            return "";
        }

        @Override
        public boolean isSecure() {
            return "https".equalsIgnoreCase(core.scheme());
        }
    }

    // ---- HTTP

    @Override
    public String getAuthType() {
        return null;
    }

    @Override
    public Cookie[] getCookies() {
        if (cookies == null) {
            List<Cookie> list = CookieCodec.parse(core.headers().getAll("Cookie"));
            cookies = list.toArray(new Cookie[0]);
        }
        return cookies.length == 0 ? null : cookies.clone();
    }

    @Override
    public long getDateHeader(String name) {
        String v = core.header(name);
        return v == null ? -1 : HttpFields.parseDate(v);
    }

    @Override
    public String getHeader(String name) {
        return core.header(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(core.headers().getAll(name));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        Headers h = core.headers();
        Set<String> names = new LinkedHashSet<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < h.size(); i++) {
            if (seen.add(h.name(i).toLowerCase(Locale.ROOT))) {
                names.add(h.name(i));
            }
        }
        return Collections.enumeration(names);
    }

    @Override
    public int getIntHeader(String name) {
        String v = core.header(name);
        return v == null ? -1 : Integer.parseInt(v.trim());
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        return match;
    }

    @Override
    public String getMethod() {
        return core.method();
    }

    @Override
    public String getPathInfo() {
        return match == null ? null : match.pathInfo();
    }

    @Override
    public String getPathTranslated() {
        String info = getPathInfo();
        return info == null ? null : context.getRealPath(info);
    }

    @Override
    public String getContextPath() {
        return context.getContextPath();
    }

    @Override
    public String getQueryString() {
        String q = core.query();
        return q.isEmpty() && core.target().indexOf('?') < 0 ? null : q;
    }

    @Override
    public String getRemoteUser() {
        return null;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public String getRequestURI() {
        String path = core.path();
        if (!path.startsWith("/")) {
            // absolute-form target: the path starts after the authority
            int scheme = path.indexOf("://");
            if (scheme > 0) {
                int slash = path.indexOf('/', scheme + 3);
                return slash < 0 ? "/" : path.substring(slash);
            }
        }
        return path;
    }

    @Override
    public StringBuffer getRequestURL() {
        StringBuffer sb = new StringBuffer(64).append(getScheme()).append("://").append(getServerName());
        int port = getServerPort();
        if (!(port == 80 && "http".equalsIgnoreCase(getScheme())) && !(port == 443 && isSecure())) {
            sb.append(':').append(port);
        }
        return sb.append(getRequestURI());
    }

    @Override
    public String getServletPath() {
        return match == null ? "" : match.servletPath();
    }

    // ---- sessions (through SessionSupport)

    @Override
    public HttpSession getSession(boolean create) {
        return exchange.app().sessions.session(this, exchange.response(), create);
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        return exchange.app().sessions.changeSessionId(this, exchange.response());
    }

    @Override
    public String getRequestedSessionId() {
        return exchange.app().sessions.requestedSessionId(this);
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return exchange.app().sessions.isRequestedSessionIdValid(this);
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return exchange.app().sessions.isRequestedSessionIdFromCookie(this);
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return exchange.app().sessions.isRequestedSessionIdFromUrl(this);
    }

    // ---- security (none configured)

    @Override
    public boolean authenticate(HttpServletResponse response) throws ServletException {
        throw new ServletException("no authentication mechanism is configured");
    }

    @Override
    public void login(String username, String password) throws ServletException {
        throw new ServletException("no login mechanism is configured");
    }

    @Override
    public void logout() {
        // nothing is authenticated
    }

    // ---- multipart (through MultipartSupport)

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (parts == null) {
            MultipartConfigElement config = match == null ? null : match.holder().multipartConfig();
            if (config == null) {
                throw new IllegalStateException("the servlet has no multipart configuration");
            }
            String type = HttpFields.mediaTypeWithoutParameters(getContentType());
            if (!"multipart/form-data".equalsIgnoreCase(type)) {
                throw new ServletException("the request is not multipart/form-data");
            }
            parts = List.copyOf(exchange.app().multipart.parse(this, config));
            exchange.partsToDelete(parts);
            Map<String, List<String>> p = parameters();
            // RFC 7578 §4.6 and the parts' own charsets, as Jetty: one set of rules for every parser's parts
            MultipartForm.parameters(parts, bodyCharset(StandardCharsets.UTF_8))
                    .forEach((name, values) -> p.computeIfAbsent(name, k -> new ArrayList<>(values.size())).addAll(values));
        }
        return parts;
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        for (Part p : getParts()) {
            if (p.getName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws ServletException {
        throw new ServletException("HTTP upgrade is not supported by Unicorn's servlet adapter");
    }

    // ---- trailers

    @Override
    public Map<String, String> getTrailerFields() {
        if (!isTrailerFieldsReady()) {
            throw new IllegalStateException("the body has not been read to its end");
        }
        Headers t = core.trailers();
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < t.size(); i++) {
            out.merge(t.name(i).toLowerCase(Locale.ROOT), t.value(i), (a, b) -> a + "," + b);
        }
        return out;
    }

    @Override
    public boolean isTrailerFieldsReady() {
        return !hasBody() || (input != null && input.isFinished());
    }

    @Override
    public String toString() {
        return core.method() + " " + core.target();
    }
}
