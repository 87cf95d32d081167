package dev.unicorn.servlet;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps a path inside the context to a servlet by the rules of Servlet 6.1 chapter 12: exact
 * match (and the empty-string pattern for the context root), then the longest path prefix
 * ({@code /a/*}), then the extension ({@code *.jsp}) of the last segment, then the default
 * servlet ({@code /}). Filters use the same pattern language through {@link #matches}.
 */
final class ServletMapper {
    private final Map<String, ServletHolder> exact = new HashMap<>();
    /** Keyed by the prefix without its trailing {@code /*}; {@code /*} is the key {@code ""}. */
    private final Map<String, ServletHolder> prefix = new HashMap<>();
    private final Map<String, ServletHolder> extension = new HashMap<>();
    private ServletHolder contextRoot;
    private ServletHolder defaultServlet;

    /** The servlet already holding {@code pattern}, or {@code null}. */
    ServletHolder owner(String pattern) {
        return switch (kind(pattern)) {
            case CONTEXT_ROOT -> contextRoot;
            case DEFAULT -> defaultServlet;
            case PATH -> prefix.get(pattern.substring(0, pattern.length() - 2));
            case EXTENSION -> extension.get(pattern.substring(2));
            case EXACT -> exact.get(pattern);
        };
    }

    void add(String pattern, ServletHolder holder) {
        switch (kind(pattern)) {
            case CONTEXT_ROOT -> contextRoot = holder;
            case DEFAULT -> defaultServlet = holder;
            case PATH -> prefix.put(pattern.substring(0, pattern.length() - 2), holder);
            case EXTENSION -> extension.put(pattern.substring(2), holder);
            case EXACT -> exact.put(pattern, holder);
        }
    }

    /**
     * The kind of a URL pattern (Servlet 6.1 §12.2).
     *
     * @throws IllegalArgumentException for a pattern that is none of them
     */
    static MappingMatch kind(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("a URL pattern must not be null");
        }
        if (pattern.isEmpty()) {
            return MappingMatch.CONTEXT_ROOT;
        }
        if (pattern.equals("/")) {
            return MappingMatch.DEFAULT;
        }
        if (pattern.startsWith("*.")) {
            if (pattern.length() == 2 || pattern.indexOf('/') >= 0) {
                throw new IllegalArgumentException("invalid extension pattern: " + pattern);
            }
            return MappingMatch.EXTENSION;
        }
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a URL pattern starts with '/' or '*.': " + pattern);
        }
        if (pattern.endsWith("/*")) {
            return MappingMatch.PATH;
        }
        return MappingMatch.EXACT;
    }

    /** The servlet for {@code path} (decoded, starting with {@code /}), or {@code null} when nothing matches. */
    Match map(String path) {
        if (path.equals("/") && contextRoot != null) {
            return new Match(contextRoot, "", "/", MappingMatch.CONTEXT_ROOT, "", "");
        }
        ServletHolder h = exact.get(path);
        if (h != null) {
            return new Match(h, path, null, MappingMatch.EXACT, path.substring(1), path);
        }
        if (!prefix.isEmpty()) {
            String candidate = path;
            while (true) {
                h = prefix.get(candidate);
                if (h != null) {
                    String info = path.length() == candidate.length() ? null : path.substring(candidate.length());
                    String value = info == null ? "" : info.substring(1);
                    return new Match(h, candidate, info, MappingMatch.PATH, value, candidate + "/*");
                }
                if (candidate.isEmpty()) {
                    break;
                }
                candidate = candidate.substring(0, candidate.lastIndexOf('/'));
            }
        }
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash && !extension.isEmpty()) {
            String ext = path.substring(dot + 1);
            h = extension.get(ext);
            if (h != null) {
                return new Match(h, path, null, MappingMatch.EXTENSION, path.substring(1, dot), "*." + ext);
            }
        }
        if (defaultServlet != null) {
            return new Match(defaultServlet, path, null, MappingMatch.DEFAULT, "", "/");
        }
        return null;
    }

    /** Whether the filter URL pattern {@code pattern} applies to {@code path} (same language as servlets). */
    static boolean matches(String pattern, String path) {
        switch (kind(pattern)) {
            case CONTEXT_ROOT:
                return path.equals("/");
            case DEFAULT:
                return true;
            case EXACT:
                return pattern.equals(path);
            case PATH: {
                String p = pattern.substring(0, pattern.length() - 2);
                return path.startsWith(p) && (path.length() == p.length() || path.charAt(p.length()) == '/');
            }
            case EXTENSION: {
                int slash = path.lastIndexOf('/');
                int dot = path.lastIndexOf('.');
                return dot > slash && path.regionMatches(dot + 1, pattern, 2, pattern.length() - 2)
                        && path.length() - dot - 1 == pattern.length() - 2;
            }
            default:
                return false;
        }
    }

    /**
     * The result of mapping a path: the servlet, how the path splits into servlet path and
     * path info, and the {@link HttpServletMapping} the request reports.
     */
    record Match(ServletHolder holder, String servletPath, String pathInfo, MappingMatch kind, String matchValue,
            String pattern) implements HttpServletMapping {
        @Override
        public String getMatchValue() {
            return matchValue;
        }

        @Override
        public String getPattern() {
            return pattern;
        }

        @Override
        public String getServletName() {
            return holder.getName();
        }

        @Override
        public MappingMatch getMappingMatch() {
            return kind;
        }
    }
}
