package dev.unicorn.bench.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes every codec benchmark feeds, in one place, so that the Unicorn and the Jetty
 * variant of a benchmark read exactly the same input and write exactly the same fields.
 */
public final class Inputs {
    private Inputs() {
    }

    /** A request to parse and what a correct parse must report about it. */
    public record Request(String name, byte[] bytes, String method, String target, int fieldCount, int bodyBytes) {
        /** A read-only view of the bytes; {@code clear()} rewinds it for the next round. */
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }
    }

    /** A typical browser navigation (about 570 bytes, 11 fields, as Chrome 124 sends it). */
    public static final String CHROME_GET_TEXT = "GET /products/42?ref=home HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/124.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-GB,en;q=0.9\r\n"
            + "Cookie: session=7f3c2a9b1d; theme=dark\r\n"
            + "\r\n";

    public static final Request CHROME_GET = new Request("chromeGet", latin1(CHROME_GET_TEXT),
            "GET", "/products/42?ref=home", 11, 0);

    /**
     * An API client call behind a proxy (about 1.2 KB, 20 fields): a bearer token, tracing,
     * forwarding and idempotency headers, as an SDK sends them through a load balancer.
     */
    public static final String API_GET_TEXT =
            "GET /api/v2/orders?status=open&limit=50&cursor=eyJpZCI6MTIzNDV9 HTTP/1.1\r\n"
            + "Host: api.example.com\r\n"
            + "User-Agent: acme-sdk-java/3.14.2 (Java/21.0.3; Linux amd64) okhttp/4.12.0\r\n"
            + "Accept: application/json\r\n"
            + "Accept-Encoding: gzip, deflate\r\n"
            + "Accept-Language: en-US\r\n"
            + "Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImFjbWUtMjAyNC0wNSJ9"
            + ".eyJzdWIiOiJzdmMtYmlsbGluZyIsInNjb3BlIjoib3JkZXJzOnJlYWQgb3JkZXJzOndyaXRlIiwiaWF0IjoxNzE2MjM5MDIyfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXkQ2zP4vH7nN9sLmW3xYtR5bA8cD0eF1gH2iJ3kL4mN5oP6\r\n"
            + "Cache-Control: no-cache\r\n"
            + "Connection: keep-alive\r\n"
            + "Content-Type: application/json\r\n"
            + "If-None-Match: W/\"5e15153d-120f\"\r\n"
            + "X-Request-ID: 6f1c2e3a-8b4d-4c1e-9f2a-7d3b5e6a1c90\r\n"
            + "X-Correlation-ID: 0b7d9c41-3e52-4f6a-8d1b-2c9e7f4a5b63\r\n"
            + "X-Forwarded-For: 203.0.113.195, 70.41.3.18, 150.172.238.178\r\n"
            + "X-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: api.example.com\r\n"
            + "X-Real-IP: 203.0.113.195\r\n"
            + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
            + "tracestate: congo=t61rcWkgMzE,rojo=00f067aa0ba902b7\r\n"
            + "Idempotency-Key: 9c2f4e8a-1d3b-4a5c-b6e7-f8091a2b3c4d\r\n"
            + "X-Api-Version: 2024-05-01\r\n"
            + "\r\n";

    public static final Request API_GET = new Request("apiGet", latin1(API_GET_TEXT),
            "GET", "/api/v2/orders?status=open&limit=50&cursor=eyJpZCI6MTIzNDV9", 20, 0);

    /** Size of each chunk of {@link #CHUNKED_POST}. */
    public static final int CHUNK = 1024;

    /** An upload with a 4 KiB body sent as four 1 KiB chunks. */
    public static final Request CHUNKED_POST = new Request("chunkedPost", chunkedPost(),
            "POST", "/api/v2/uploads", 6, 4 * CHUNK);

    private static byte[] chunkedPost() {
        StringBuilder sb = new StringBuilder()
                .append("POST /api/v2/uploads HTTP/1.1\r\n")
                .append("Host: api.example.com\r\n")
                .append("User-Agent: acme-sdk-java/3.14.2 (Java/21.0.3; Linux amd64) okhttp/4.12.0\r\n")
                .append("Accept: application/json\r\n")
                .append("Content-Type: application/octet-stream\r\n")
                .append("Transfer-Encoding: chunked\r\n")
                .append("Connection: keep-alive\r\n")
                .append("\r\n");
        for (int c = 0; c < 4; c++) {
            sb.append(Integer.toHexString(CHUNK)).append("\r\n");
            for (int i = 0; i < CHUNK; i++) {
                sb.append((char) ('a' + (c * 7 + i) % 26));
            }
            sb.append("\r\n");
        }
        sb.append("0\r\n\r\n");
        return latin1(sb.toString());
    }

    /** The request for a benchmark {@code @Param} value. */
    public static Request request(String name) {
        return switch (name) {
            case "chromeGet" -> CHROME_GET;
            case "apiGet" -> API_GET;
            case "chunkedPost" -> CHUNKED_POST;
            default -> throw new IllegalArgumentException("no such input: " + name);
        };
    }

    // ---------------------------------------------------------------- response head

    public static final int STATUS = 200;
    public static final String SERVER = "unicorn";
    /** A fixed date: both variants write the cached bytes a date cache would hold. */
    public static final String DATE = "Tue, 21 May 2024 10:15:30 GMT";
    public static final String CONTENT_TYPE = "application/json";
    public static final long CONTENT_LENGTH = 1234;

    /** A field the application set. */
    public record Field(String name, String value) {
    }

    /** Content-Type and the three application fields, in the order the application set them. */
    public static final List<Field> APP_FIELDS = List.of(
            new Field("Content-Type", CONTENT_TYPE),
            new Field("Cache-Control", "private, max-age=60"),
            new Field("ETag", "W/\"5e15153d-120f\""),
            new Field("X-Request-ID", "6f1c2e3a-8b4d-4c1e-9f2a-7d3b5e6a1c90"));

    /**
     * The head both variants must produce, byte for byte: the order of
     * {@code Http1Response.commit} (status line, Server, Date, application fields, Content-Length).
     */
    public static final String RESPONSE_HEAD = "HTTP/1.1 200 OK\r\n"
            + "Server: " + SERVER + "\r\n"
            + "Date: " + DATE + "\r\n"
            + "Content-Type: " + CONTENT_TYPE + "\r\n"
            + "Cache-Control: private, max-age=60\r\n"
            + "ETag: W/\"5e15153d-120f\"\r\n"
            + "X-Request-ID: 6f1c2e3a-8b4d-4c1e-9f2a-7d3b5e6a1c90\r\n"
            + "Content-Length: " + CONTENT_LENGTH + "\r\n"
            + "\r\n";

    public static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
