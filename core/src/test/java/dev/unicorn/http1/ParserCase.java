package dev.unicorn.http1;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One row of a parser table: input bytes (written as a latin-1 string), settings, and the
 * expected outcome, either accepted (with a check of what was parsed) or rejected with a status.
 */
final class ParserCase {
    final String name;
    final byte[] input;
    ParserOptions options = ParserOptions.defaults();
    boolean peerTrusted;
    boolean proxyAllowed = true;
    String scheme = "http";
    boolean eof = true;
    /** -1 when the input is accepted. */
    int status = -1;
    /** Requests whose head is handed out before the error (a body error comes after its head). */
    int headsBeforeError;
    Consumer<ParserRun> check = r -> {
    };

    private ParserCase(String name, String input) {
        this.name = name;
        this.input = input.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A case whose input is accepted; {@code check} looks at what was parsed. */
    static ParserCase accepts(String name, String input, Consumer<ParserRun> check) {
        ParserCase c = new ParserCase(name, input);
        c.check = check;
        return c;
    }

    /** A case whose input is rejected with {@code status} before any request is handed out. */
    static ParserCase rejects(String name, String input, int status) {
        ParserCase c = new ParserCase(name, input);
        c.status = status;
        return c;
    }

    ParserCase with(UnaryOperator<ParserOptions> change) {
        options = change.apply(options);
        return this;
    }

    ParserCase trusted() {
        peerTrusted = true;
        return this;
    }

    ParserCase proxyNotAllowed() {
        proxyAllowed = false;
        return this;
    }

    ParserCase tls() {
        scheme = "https";
        return this;
    }

    /** The peer does not close: the run ends with the parser waiting for data. */
    ParserCase noEof() {
        eof = false;
        return this;
    }

    /** The error comes after {@code n} request heads were handed out. */
    ParserCase afterHeads(int n) {
        headsBeforeError = n;
        return this;
    }

    /** And then also check {@code more}. */
    ParserCase and(Consumer<ParserRun> more) {
        check = check.andThen(more);
        return this;
    }

    ParserRun.Setup setup() {
        return new ParserRun.Setup(options, peerTrusted, proxyAllowed, scheme, eof, false);
    }

    /** Asserts the outcome of one run (whatever the cuts). */
    void verify(ParserRun r) {
        if (status < 0) {
            assertThat(r.error).as("unexpected error; transcript %s", r.transcript).isNull();
            if (!r.exchanges.isEmpty()) {
                assertThat(r.exchanges.getLast().complete || !eof).as("last request complete").isTrue();
            }
            if (eof) {
                assertThat(r.closed).as("ConnectionClosed at the end: %s", r.transcript).isTrue();
            }
        } else {
            assertThat(r.error).as("expected status %s; transcript %s", status, r.transcript).isNotNull();
            assertThat(r.error.status()).as("status; transcript %s", r.transcript).isEqualTo(status);
            assertThat(r.error.getMessage()).isNotBlank().doesNotContain("\n");
            assertThat(r.exchanges).as("heads before the error: %s", r.transcript).hasSize(headsBeforeError);
        }
        check.accept(r);
    }

    @Override
    public String toString() {
        return name;
    }
}
