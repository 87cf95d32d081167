package dev.unicorn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1:8000          | 127.0.0.1:8000
            0.0.0.0:80              | 0.0.0.0:80
            :80                     | 0.0.0.0:80
            localhost               | localhost:8000
            example.com:443         | example.com:443
            10.1.2.3                | 10.1.2.3:8000
            [::1]:8080              | [::1]:8080
            [::]:80                 | [::]:80
            [0:0:0:0:0:0:0:1]:9000  | [::1]:9000
            [2001:DB8::1]           | [2001:db8::1]:8000
            tcp://1.2.3.4:5         | 1.2.3.4:5
            ' 127.0.0.1:1 '         | 127.0.0.1:1
            host:0                  | host:0
            host:65535              | host:65535
            unix:/tmp/x.sock        | unix:/tmp/x.sock
            unix:///tmp/x.sock      | unix:/tmp/x.sock
            unix:relative.sock      | unix:relative.sock
            """)
    void parsesEveryGunicornFormToItsCanonicalText(String text, String canonical) {
        BindAddress address = BindAddress.parse(text);
        assertThat(address).hasToString(canonical);
        assertThat(BindAddress.parse(canonical)).isEqualTo(address);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''              | empty address
            '   '           | empty address
            [::1            | missing ']' after IPv6 address in "[::1"
            [::1]8080       | expected ':port' after ']' in "[::1]8080"
            [1.2.3.4]:80    | invalid IPv6 address "1.2.3.4"
            [::g]:80        | invalid IPv6 address "::g"
            host:99999      | port 99999 is out of range 0 to 65535
            host:123456     | port 123456 is out of range 0 to 65535
            host:-1         | port "-1" is not a number
            host:http       | port "http" is not a number
            host:           | empty port
            ::1             | an IPv6 address must be written in brackets, as in [::1]:8000: "::1"
            999.1.1.1:80    | invalid IPv4 address "999.1.1.1"
            1.2.3:80        | invalid IPv4 address "1.2.3"
            bad host:80     | invalid host "bad host"
            unix:           | empty unix socket path in "unix:"
            unix://         | empty unix socket path in "unix://"
            fd://3          | fd:// addresses are not supported: "fd://3"
            """)
    void rejectsMalformedAddressesWithAPreciseMessage(String text, String message) {
        assertThatThrownBy(() -> BindAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void parsesTcpIntoHostAndPort() {
        assertThat(BindAddress.parse("[::1]:8080")).isEqualTo(new BindAddress.Tcp("::1", 8080));
        assertThat(BindAddress.parse(":81")).isEqualTo(new BindAddress.Tcp("0.0.0.0", 81));
    }

    @Test
    void parsesUnixIntoAPath() {
        assertThat(BindAddress.parse("unix:///run/app.sock")).isEqualTo(new BindAddress.Unix(Path.of("/run/app.sock")));
    }

    @Test
    void tcpRecordRejectsAPortOutOfRange() {
        assertThatThrownBy(() -> new BindAddress.Tcp("127.0.0.1", 70000))
                .hasMessage("port 70000 is out of range 0 to 65535");
    }

    @Test
    void tcpRecordCanonicalisesIpLiterals() {
        assertThat(new BindAddress.Tcp("0:0:0:0:0:0:0:1", 1).host()).isEqualTo("::1");
    }

    @Test
    void literalBecomesAnInetSocketAddressWithoutLookup() throws Exception {
        assertThat(BindAddress.parse("[::1]:8080").toSocketAddress())
                .isEqualTo(new InetSocketAddress(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 8080));
        InetSocketAddress any = (InetSocketAddress) BindAddress.parse(":0").toSocketAddress();
        assertThat(any.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(any.getPort()).isZero();
    }

    @Test
    void unixBecomesAUnixDomainSocketAddress() {
        assertThat(BindAddress.parse("unix:/tmp/x.sock").toSocketAddress())
                .isEqualTo(UnixDomainSocketAddress.of("/tmp/x.sock"));
    }
}
