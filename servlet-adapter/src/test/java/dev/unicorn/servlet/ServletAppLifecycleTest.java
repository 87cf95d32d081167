package dev.unicorn.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link ServletApp} lifecycle and its {@code ServletContext}, without a server: start
 * order, registration rules, initializers, listeners, attributes, resources and MIME types.
 */
class ServletAppLifecycleTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    private final class Recording extends HttpServlet {
        private final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            events.add("init " + name + " greeting=" + config.getInitParameter("greeting"));
        }

        @Override
        public void destroy() {
            events.add("destroy " + name);
        }
    }

    private final class RecordingFilter implements Filter {
        @Override
        public void init(FilterConfig config) {
            events.add("init filter " + config.getFilterName());
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
        }

        @Override
        public void destroy() {
            events.add("destroy filter");
        }
    }

    private final class RecordingListener implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent sce) {
            events.add("contextInitialized");
        }

        @Override
        public void contextDestroyed(ServletContextEvent sce) {
            events.add("contextDestroyed");
        }
    }

    @Test
    void servletsInitialiseInLoadOnStartupOrderAfterListenersAndFiltersAndAreDestroyedInReverse() throws Exception {
        ServletApp app = new ServletApp();
        app.addListener(new RecordingListener());
        app.addServlet("third", new Recording("third"), "/c").setLoadOnStartup(5);
        app.addServlet("lazy", new Recording("lazy"), "/lazy");
        app.addServlet("first", new Recording("first"), "/a").setLoadOnStartup(0);
        ServletRegistration.Dynamic second = app.addServlet("second", new Recording("second"), "/b");
        second.setLoadOnStartup(5);
        second.setInitParameter("greeting", "hi");
        app.addFilter("f", new RecordingFilter(), "/*");

        app.start();
        assertThat(events).containsExactly("contextInitialized", "init filter f", "init first greeting=null",
                "init third greeting=null", "init second greeting=hi");

        events.clear();
        app.stop();
        assertThat(events).containsExactly("destroy second", "destroy third", "destroy first", "destroy filter",
                "contextDestroyed");
    }

    @Test
    void startIsIdempotentAndStopIsFinal() throws Exception {
        ServletApp app = new ServletApp();
        app.addListener(new RecordingListener());
        app.start();
        app.start();
        assertThat(app.isRunning()).isTrue();
        app.stop();
        app.stop();
        assertThat(events).containsExactly("contextInitialized", "contextDestroyed");
        assertThatThrownBy(app::start).isInstanceOf(ServletException.class);
    }

    @Test
    void aFailingFilterFailsTheStartAndUndoesWhatStarted() {
        ServletApp app = new ServletApp();
        app.addListener(new RecordingListener());
        app.addFilter("bad", new Filter() {
            @Override
            public void init(FilterConfig config) throws ServletException {
                throw new ServletException("filter init failed");
            }

            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
            }
        }, "/*");
        assertThatThrownBy(app::start).isInstanceOf(ServletException.class).hasMessage("filter init failed");
        assertThat(app.isRunning()).isFalse();
        assertThat(events).containsExactly("contextInitialized", "contextDestroyed");
    }

    @Test
    void aServletThatFailsToLoadOnStartupFailsTheStart() {
        ServletApp app = new ServletApp();
        app.addServlet("bad", new HttpServlet() {
            @Override
            public void init() throws ServletException {
                throw new ServletException("servlet init failed");
            }
        }, "/").setLoadOnStartup(1);
        assertThatThrownBy(app::start).isInstanceOf(ServletException.class).hasMessage("servlet init failed");
    }

    @Test
    void registrationIsRefusedOnceStarted() throws Exception {
        ServletApp app = new ServletApp();
        app.start();
        ServletContext ctx = app.context();
        assertThatThrownBy(() -> ctx.addServlet("late", new Recording("late"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ctx.addFilter("late", new RecordingFilter())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ctx.addListener(new RecordingListener())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ctx.setInitParameter("late", "x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ctx.getSessionCookieConfig().setName("X")).isInstanceOf(IllegalStateException.class);
        app.stop();
    }

    @Test
    void aTakenNameGivesNullAndATakenPatternIsReportedAsAConflict() {
        ServletContext ctx = new ServletApp().context();
        ServletRegistration.Dynamic a = ctx.addServlet("a", new Recording("a"));
        assertThat(ctx.addServlet("a", new Recording("again"))).isNull();
        assertThat(a.addMapping("/x", "*.do")).isEmpty();
        ServletRegistration.Dynamic b = ctx.addServlet("b", new Recording("b"));
        assertThat(b.addMapping("/y", "/x")).containsExactly("/x");
        assertThat(b.getMappings()).isEmpty();
        assertThat(a.getMappings()).containsExactly("/x", "*.do");
        assertThat(ctx.getServletRegistrations()).containsOnlyKeys("a", "b");
        assertThatThrownBy(() -> a.addMapping("x/*")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dynamicRegistrationsKeepWhatIsSetOnThem() {
        ServletContext ctx = new ServletApp().context();
        ServletRegistration.Dynamic r = ctx.addServlet("up", Uploads.class);
        r.setAsyncSupported(true);
        assertThat(r.setInitParameter("k", "v")).isTrue();
        assertThat(r.setInitParameter("k", "other")).isFalse();
        assertThat(r.getInitParameters()).containsEntry("k", "v");
        assertThat(r.getClassName()).isEqualTo(Uploads.class.getName());
        assertThat(((ServletHolder) r).multipartConfig().getMaxFileSize()).isEqualTo(1024);
        r.setMultipartConfig(new MultipartConfigElement("/tmp", 10, 20, 5));
        assertThat(((ServletHolder) r).multipartConfig().getMaxRequestSize()).isEqualTo(20);
        assertThat(((ServletHolder) r).isAsyncSupported()).isTrue();

        var f = ctx.addFilter("f", new RecordingFilter());
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.ERROR), true, "/a/*");
        f.addMappingForServletNames(null, false, "up");
        assertThat(f.getUrlPatternMappings()).containsExactly("/a/*");
        assertThat(f.getServletNameMappings()).containsExactly("up");
    }

    /** Carries its multipart configuration as an annotation. */
    @MultipartConfig(maxFileSize = 1024)
    public static final class Uploads extends HttpServlet {
    }

    /** Asks for servlets and filters. */
    @HandlesTypes({HttpServlet.class, Filter.class})
    static final class Asking implements ServletContainerInitializer {
        Set<Class<?>> seen;

        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
            seen = classes;
            ctx.addServlet("fromInitializer", new HttpServlet() {
            }).addMapping("/init");
        }
    }

    @Test
    void initializersGetTheCandidateClassesTheyHandleAndMayRegisterServlets() throws Exception {
        Asking asking = new Asking();
        ServletApp app = new ServletApp()
                .addInitializer(asking)
                .handlesTypesCandidates(Uploads.class, String.class, HttpServlet.class);
        app.addFilter("f", new RecordingFilter(), "/*");
        app.start();
        assertThat(asking.seen).containsExactlyInAnyOrder(Uploads.class, RecordingFilter.class);
        assertThat(app.context().getServletRegistration("fromInitializer").getMappings()).containsExactly("/init");
        app.stop();
    }

    @Test
    void discoveredInitializersComeFromServiceLoaderDeclarations() throws Exception {
        ServletApp app = new ServletApp().discoverInitializers().handlesTypesCandidates(Uploads.class);
        app.start();
        assertThat(app.context().getAttribute("discovered")).isEqualTo(List.of("Uploads"));
        app.stop();
    }

    @Test
    void contextAttributesAndTheirListeners() throws Exception {
        ServletApp app = new ServletApp();
        app.addListener(new ServletContextAttributeListener() {
            @Override
            public void attributeAdded(ServletContextAttributeEvent e) {
                events.add("added " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeReplaced(ServletContextAttributeEvent e) {
                events.add("replaced " + e.getName() + " old=" + e.getValue());
            }

            @Override
            public void attributeRemoved(ServletContextAttributeEvent e) {
                events.add("removed " + e.getName() + "=" + e.getValue());
            }
        });
        ServletContext ctx = app.context();
        ctx.setAttribute("a", 1);
        ctx.setAttribute("a", 2);
        ctx.setAttribute("a", null);
        ctx.setAttribute("b", "x");
        ctx.removeAttribute("b");
        ctx.removeAttribute("never");
        assertThat(events).containsExactly("added a=1", "replaced a old=1", "removed a=2", "added b=x", "removed b=x");
        assertThat(ctx.getAttribute("a")).isNull();
    }

    @Test
    void theContextReportsServlet61AndItsIdentity() {
        ServletApp app = new ServletApp("/shop").displayName("Shop").initParameter("k", "v");
        ServletContext ctx = app.context();
        assertThat(ctx.getEffectiveMajorVersion()).isEqualTo(6);
        assertThat(ctx.getEffectiveMinorVersion()).isEqualTo(1);
        assertThat(ctx.getMajorVersion()).isEqualTo(6);
        assertThat(ctx.getMinorVersion()).isEqualTo(1);
        assertThat(ctx.getContextPath()).isEqualTo("/shop");
        assertThat(ctx.getServletContextName()).isEqualTo("Shop");
        assertThat(ctx.getServerInfo()).startsWith("Unicorn/");
        assertThat(ctx.getInitParameter("k")).isEqualTo("v");
        assertThat(ctx.setInitParameter("k", "other")).isFalse();
        assertThat(ctx.getContext("/shop/x")).isSameAs(ctx);
        assertThat(ctx.getContext("/other")).isNull();
        assertThat(ctx.getRequestDispatcher("relative")).isNull();
        assertThat(ctx.getNamedDispatcher("missing")).isNull();
        assertThat(ctx.getSessionCookieConfig().getName()).isEqualTo("JSESSIONID");
        assertThat(ctx.getEffectiveSessionTrackingModes()).containsExactly(jakarta.servlet.SessionTrackingMode.COOKIE);
        assertThatThrownBy(() -> new ServletApp("shop")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServletApp("/shop/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mimeTypesComeFromTheBuiltInTableAndTheApplication() {
        ServletApp app = new ServletApp().mimeType("WASM2", "application/x-test");
        ServletContext ctx = app.context();
        assertThat(ctx.getMimeType("/a/b/page.HTML")).isEqualTo("text/html");
        assertThat(ctx.getMimeType("app.js")).isEqualTo("text/javascript");
        assertThat(ctx.getMimeType("x.wasm2")).isEqualTo("application/x-test");
        assertThat(ctx.getMimeType("noextension")).isNull();
        assertThat(ctx.getMimeType("dir.d/noext")).isNull();
    }

    @Test
    void resourcesComeFromTheDirectoryAndNeverFromOutsideIt(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs/sub"));
        Files.writeString(dir.resolve("docs/a.txt"), "A");
        Files.writeString(dir.resolve("secret.txt"), "S");
        ServletApp app = new ServletApp().resourceBase(dir.resolve("docs"));
        ServletContext ctx = app.context();
        assertThat(new String(ctx.getResourceAsStream("/a.txt").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("A");
        assertThat(ctx.getResource("/a.txt").getProtocol()).isEqualTo("file");
        assertThat(ctx.getResourcePaths("/")).containsExactly("/a.txt", "/sub/");
        assertThat(ctx.getRealPath("/a.txt")).isEqualTo(dir.resolve("docs/a.txt").toAbsolutePath().toString());
        assertThat(ctx.getResourceAsStream("/../secret.txt")).isNull();
        assertThat(ctx.getResource("/missing")).isNull();
        assertThat(ctx.getResourceAsStream("/sub")).isNull();
        assertThatThrownBy(() -> ctx.getResource("a.txt")).isInstanceOf(java.net.MalformedURLException.class);
    }

    @Test
    void resourcesComeFromTheClassPathUnderAPrefix() throws IOException {
        ServletContext ctx = new ServletApp().classpathResourceBase("static").context();
        assertThat(new String(ctx.getResourceAsStream("/css/site.css").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("body{}\n");
        assertThat(ctx.getResourcePaths("/")).containsExactly("/css/", "/index.html");
        assertThat(ctx.getResource("/nope.css")).isNull();
        assertThat(ctx.getResourceAsStream("/../META-INF/services/jakarta.servlet.ServletContainerInitializer")).isNull();
    }

    @Test
    void theContextTempDirExistsWhileTheApplicationRuns() throws Exception {
        ServletApp app = new ServletApp();
        app.start();
        java.io.File tmp = (java.io.File) app.context().getAttribute(ServletContext.TEMPDIR);
        assertThat(tmp).isDirectory();
        Files.writeString(tmp.toPath().resolve("upload.part"), "x");
        app.stop();
        assertThat(tmp).doesNotExist();
    }

    @Test
    void aGivenTempDirIsUsedAndKept(@TempDir Path dir) throws Exception {
        ServletApp app = new ServletApp().tempDirectory(dir);
        app.start();
        assertThat(app.context().getAttribute(ServletContext.TEMPDIR)).isEqualTo(dir.toFile());
        app.stop();
        assertThat(dir).isDirectory();
    }

    @Test
    void listenersOfUnsupportedTypesAreRefused() {
        ServletContext ctx = new ServletApp().context();
        List<Object> refused = new ArrayList<>();
        try {
            ctx.addListener(new java.util.EventListener() {
            });
        } catch (IllegalArgumentException e) {
            refused.add(e);
        }
        assertThat(refused).hasSize(1);
    }
}
