package dev.unicorn.bench.codec;

import dev.unicorn.http2.hpack.HpackEncoder;
import dev.unicorn.http2.hpack.IndexingPolicy;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;

/**
 * The field sections the HTTP/2 codec benchmarks share: a browser's request (Chrome's
 * navigation to a page, 18 fields) and a typical response (12 fields), as name/value pairs,
 * as HPACK blocks, and as Jetty {@link MetaData}.
 */
final class HpackInputs {
    private HpackInputs() {
    }

    static final String[] REQUEST = {
        ":method", "GET",
        ":authority", "www.example.com",
        ":scheme", "https",
        ":path", "/products/list?page=2&sort=price",
        "sec-ch-ua", "\"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", \"Not_A Brand\";v=\"99\"",
        "sec-ch-ua-mobile", "?0",
        "sec-ch-ua-platform", "\"Linux\"",
        "upgrade-insecure-requests", "1",
        "user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
        "accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
        "sec-fetch-site", "same-origin",
        "sec-fetch-mode", "navigate",
        "sec-fetch-user", "?1",
        "sec-fetch-dest", "document",
        "referer", "https://www.example.com/products/list?page=1&sort=price",
        "accept-encoding", "gzip, deflate, br, zstd",
        "accept-language", "en-GB,en;q=0.9,de;q=0.8",
        "cookie", "session=4f2a9c1e8b7d6a5f3e2d1c0b9a8f7e6d; theme=dark; consent=analytics%3Dno",
    };

    static final String[] RESPONSE = {
        ":status", "200",
        "content-type", "text/html; charset=utf-8",
        "content-length", "18734",
        "date", "Sun, 29 Nov 2026 17:30:00 GMT",
        "server", "unicorn",
        "cache-control", "private, max-age=0, must-revalidate",
        "etag", "\"5f3e2d1c-492e\"",
        "last-modified", "Sat, 28 Nov 2026 09:12:44 GMT",
        "vary", "Accept-Encoding",
        "strict-transport-security", "max-age=63072000; includeSubDomains; preload",
        "content-security-policy", "default-src 'self'; img-src 'self' data:; script-src 'self'",
        "x-content-type-options", "nosniff",
    };

    /** The first block of a connection (every field literal, Huffman-coded, indexed). */
    static ByteBuffer firstBlock(String[] fields) {
        HpackEncoder e = new HpackEncoder(4096, true, IndexingPolicy.ALL);
        return encode(e, fields);
    }

    /** A repeat of the block on the same connection: every field an index into the dynamic table. */
    static ByteBuffer repeatBlock(String[] fields) {
        HpackEncoder e = new HpackEncoder(4096, true, IndexingPolicy.ALL);
        encode(e, fields);
        return encode(e, fields);
    }

    private static ByteBuffer encode(HpackEncoder e, String[] fields) {
        for (int i = 0; i < fields.length; i += 2) {
            e.header(fields[i], fields[i + 1]);
        }
        ByteBuffer b = e.finish();
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b).flip();
        return copy;
    }

    static HttpFields jettyFields(String[] fields) {
        HttpFields.Mutable f = HttpFields.build();
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].charAt(0) != ':') {
                f.add(new HttpField(fields[i], fields[i + 1]));
            }
        }
        return f.asImmutable();
    }

    static MetaData.Request jettyRequest() {
        return new MetaData.Request("GET", HttpURI.from("https://www.example.com/products/list?page=2&sort=price"),
                HttpVersion.HTTP_2, jettyFields(REQUEST));
    }

    static MetaData.Response jettyResponse() {
        return new MetaData.Response(200, null, HttpVersion.HTTP_2, jettyFields(RESPONSE));
    }
}
