package dev.unicorn.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0                      | 0.0.0.0
            255.255.255.255              | 255.255.255.255
            ::                           | ::
            ::1                          | ::1
            1::                          | 1::
            1:0:0:2:0:0:0:3              | 1:0:0:2::3
            1:0:0:2:0:0:3:4              | 1::2:0:0:3:4
            2001:0DB8:0000:0000:0000:0000:0000:0001 | 2001:db8::1
            1:2:3:4:5:6:7:8              | 1:2:3:4:5:6:7:8
            1:2:3:4:5:6:7::              | 1:2:3:4:5:6:7:0
            ::ffff:192.0.2.1             | ::ffff:192.0.2.1
            64:ff9b::192.0.2.1           | 64:ff9b::c000:201
            """)
    void parsesAndPrintsCanonically(String text, String canonical) throws Exception {
        byte[] bytes = IpLiteral.parse(text);
        assertThat(bytes).isNotNull();
        assertThat(IpLiteral.format(bytes)).isEqualTo(canonical);
        if (!IpLiteral.isMapped(bytes)) {
            // The JDK agrees on the bytes (it unmaps ::ffff:a.b.c.d to 4 bytes, hence the guard).
            assertThat(bytes).isEqualTo(InetAddress.getByName(text).getAddress());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.04", "a.b.c.d", ":", ":::",
            "1:2", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:::", "12345::", "::g", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
            "::1 ", "example.com"})
    void rejectsWhatIsNotALiteral(String text) {
        assertThat(IpLiteral.parse(text)).isNull();
    }
}
