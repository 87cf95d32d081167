package dev.unicorn.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.MappingMatch;
import org.junit.jupiter.api.Test;

/** Servlet 6.1 chapter 12 mapping, case by case, including the HttpServletMapping javadoc table. */
class ServletMapperTest {
    private final AppContext context = new ServletApp().context;
    private final ServletMapper mapper = context.mapper;

    private ServletHolder servlet(String name, String... patterns) {
        ServletHolder h = (ServletHolder) context.addServlet(name, new HttpServlet() {
        });
        assertThat(h.addMapping(patterns)).isEmpty();
        return h;
    }

    private String map(String path) {
        ServletMapper.Match m = mapper.map(path);
        return m == null ? "none" : m.getServletName() + " sp=" + m.servletPath() + " pi=" + m.pathInfo() + " "
                + m.getMappingMatch() + "|" + m.getPattern() + "|" + m.getMatchValue();
    }

    @Test
    void theJavadocTableOfHttpServletMapping() {
        servlet("MyServlet", "/MyServlet", "", "*.extension", "/path/*");
        assertThat(map("/")).isEqualTo("MyServlet sp= pi=/ CONTEXT_ROOT||");
        assertThat(map("/index.html")).isEqualTo("none");
        assertThat(map("/MyServlet")).isEqualTo("MyServlet sp=/MyServlet pi=null EXACT|/MyServlet|MyServlet");
        assertThat(map("/foo.extension")).isEqualTo("MyServlet sp=/foo.extension pi=null EXTENSION|*.extension|foo");
        assertThat(map("/bar/foo.extension")).isEqualTo("MyServlet sp=/bar/foo.extension pi=null EXTENSION|*.extension|bar/foo");
        assertThat(map("/path/foo")).isEqualTo("MyServlet sp=/path pi=/foo PATH|/path/*|foo");
        assertThat(map("/path/foo/bar")).isEqualTo("MyServlet sp=/path pi=/foo/bar PATH|/path/*|foo/bar");
    }

    @Test
    void exactBeatsPrefixBeatsExtensionBeatsDefault() {
        servlet("exact", "/a/b.jsp");
        servlet("prefix", "/a/*");
        servlet("longer", "/a/b/*");
        servlet("ext", "*.jsp");
        servlet("default", "/");
        assertThat(map("/a/b.jsp")).startsWith("exact ");
        assertThat(map("/a/c.jsp")).startsWith("prefix sp=/a pi=/c.jsp");
        assertThat(map("/a/b/c.jsp")).startsWith("longer sp=/a/b pi=/c.jsp");
        assertThat(map("/a")).startsWith("prefix sp=/a pi=null PATH|/a/*|");
        assertThat(map("/ab")).startsWith("default sp=/ab pi=null DEFAULT|/|");
        assertThat(map("/x/y.jsp")).startsWith("ext sp=/x/y.jsp pi=null EXTENSION");
        assertThat(map("/x.jsp/y")).startsWith("default");
        assertThat(map("/")).startsWith("default sp=/ pi=null");
    }

    @Test
    void slashStarTakesEverythingWithAnEmptyServletPath() {
        servlet("all", "/*");
        servlet("ext", "*.jsp");
        assertThat(map("/")).isEqualTo("all sp= pi=/ PATH|/*|");
        assertThat(map("/x.jsp")).isEqualTo("all sp= pi=/x.jsp PATH|/*|x.jsp");
    }

    @Test
    void patternsThatAreNoneOfTheKindsAreRefused() {
        assertThatThrownBy(() -> ServletMapper.kind("a/*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServletMapper.kind("*.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServletMapper.kind("*.a/b")).isInstanceOf(IllegalArgumentException.class);
        // Servlet 6.1 §12.2: every other string is an exact pattern, '*' included
        assertThat(ServletMapper.kind("/a/*.jsp")).isEqualTo(MappingMatch.EXACT);
    }

    @Test
    void filterPatternsUseTheSameLanguage() {
        assertThat(ServletMapper.matches("/*", "/anything")).isTrue();
        assertThat(ServletMapper.matches("/a/*", "/a")).isTrue();
        assertThat(ServletMapper.matches("/a/*", "/ab")).isFalse();
        assertThat(ServletMapper.matches("*.do", "/x/y.do")).isTrue();
        assertThat(ServletMapper.matches("*.do", "/x/y.dox")).isFalse();
        assertThat(ServletMapper.matches("*.do", "/x.do/y")).isFalse();
        assertThat(ServletMapper.matches("/exact", "/exact")).isTrue();
        assertThat(ServletMapper.matches("", "/")).isTrue();
        assertThat(ServletMapper.matches("", "/x")).isFalse();
    }
}
