package dev.unicorn.servlet;

import dev.unicorn.http.HttpResponse;
import dev.unicorn.http.HttpStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The container's own error page, used when the application has no error page for an error:
 * HTML in the shape of Jetty's, not cached, with the status, the request URI, the message and
 * the servlet name, never a stack trace.
 */
final class ErrorPage {
    static final String CONTENT_TYPE = "text/html;charset=ISO-8859-1";
    static final String CACHE_CONTROL = "must-revalidate,no-cache,no-store";

    private ErrorPage() {
    }

    static byte[] html(int status, String message, String uri, String servlet) {
        String reason = HttpStatus.reasonPhrase(status);
        String msg = message == null ? reason : message;
        StringBuilder html = new StringBuilder(512)
                .append("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n")
                .append("<title>Error ").append(status).append(' ').append(escape(msg)).append("</title>\n")
                .append("</head>\n<body>\n<h2>HTTP ERROR ").append(status).append(' ').append(escape(reason))
                .append("</h2>\n<table>\n<tr><th>URI:</th><td>").append(escape(uri)).append("</td></tr>\n")
                .append("<tr><th>STATUS:</th><td>").append(status).append("</td></tr>\n")
                .append("<tr><th>MESSAGE:</th><td>").append(escape(msg)).append("</td></tr>\n");
        if (servlet != null) {
            html.append("<tr><th>SERVLET:</th><td>").append(escape(servlet)).append("</td></tr>\n");
        }
        return html.append("</table>\n</body>\n</html>\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Answers an error on the core response directly, before any servlet machinery exists for the request. */
    static void send(HttpResponse response, String method, int status, String message, String uri) throws IOException {
        response.status(status);
        if (HttpStatus.omitsBody(method, status)) {
            response.headers().set("Content-Length", "0");
            response.body().close();
            return;
        }
        byte[] body = html(status, message, uri, null);
        response.headers().set("Cache-Control", CACHE_CONTROL);
        response.send(status, CONTENT_TYPE, body);
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(Character.isISOControl(c) && c != '\t' ? '?' : c);
            }
        }
        return sb.toString();
    }
}
