package dev.unicorn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAllowListTest {

    private static InetAddress ip(String literal) {
        byte[] bytes = IpLiteral.parse(literal);
        assertThat(bytes).as(literal).isNotNull();
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1,::1        | 127.0.0.1       | true
            127.0.0.1,::1        | ::1             | true
            127.0.0.1,::1        | 127.0.0.2       | false
            127.0.0.1,::1        | ::2             | false
            10.0.0.0/8           | 10.255.1.2      | true
            10.0.0.0/8           | 11.0.0.1        | false
            192.168.1.128/25     | 192.168.1.200   | true
            192.168.1.128/25     | 192.168.1.100   | false
            0.0.0.0/0            | 8.8.8.8         | true
            0.0.0.0/0            | ::1             | false
            fd00::/8             | fd12:3456::1    | true
            fd00::/8             | fe80::1         | false
            2001:db8::/32        | 2001:db8:ffff::1 | true
            2001:db8::/33        | 2001:db8:8000::1 | false
            ::/0                 | 2001:db8::1     | true
            ''                   | 127.0.0.1       | false
            """)
    void matchesAddressesAndNetworks(String list, String address, boolean allowed) {
        assertThat(IpAllowList.parse(list).allows(ip(address))).isEqualTo(allowed);
    }

    @Test
    void starAllowsEveryone() {
        IpAllowList all = IpAllowList.parse(" * ");
        assertThat(all.allowsAll()).isTrue();
        assertThat(all.allows(ip("203.0.113.9"))).isTrue();
        assertThat(all.allows(ip("2001:db8::9"))).isTrue();
        assertThat(all).hasToString("*").isEqualTo(IpAllowList.all());
    }

    @Test
    void ipv4MappedIpv6PeerMatchesIpv4Entries() throws Exception {
        // Inet6Address.getByAddress keeps the mapped form (InetAddress.getByAddress would unmap it).
        InetAddress mapped = Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3}, -1);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(IpAllowList.parse("10.0.0.0/8").allows(mapped)).isTrue();
        assertThat(IpAllowList.parse("11.0.0.0/8").allows(mapped)).isFalse();
    }

    @Test
    void ipv4PeerMatchesAMappedIpv6Entry() {
        assertThat(IpAllowList.parse("::ffff:10.0.0.0/104").allows(ip("10.9.9.9"))).isTrue();
        assertThat(IpAllowList.parse("::ffff:10.0.0.0/104").allows(ip("11.9.9.9"))).isFalse();
    }

    @Test
    void unixPeersAreAlwaysAllowed() {
        assertThat(IpAllowList.parse("").allowsPeer(UnixDomainSocketAddress.of("/tmp/x.sock"))).isTrue();
    }

    @Test
    void inetPeersAreCheckedAndUnresolvedOnesRefused() {
        IpAllowList list = IpAllowList.parse("127.0.0.1");
        assertThat(list.allowsPeer(new InetSocketAddress(ip("127.0.0.1"), 4000))).isTrue();
        assertThat(list.allowsPeer(new InetSocketAddress(ip("127.0.0.2"), 4000))).isFalse();
        assertThat(list.allowsPeer(InetSocketAddress.createUnresolved("localhost", 80))).isFalse();
        assertThat(list.allowsPeer(null)).isFalse();
        assertThat(list.allows(null)).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            '127.0.0.1, ::1'                   | 127.0.0.1,::1
            10.0.0.0/8,172.16.0.0/12           | 10.0.0.0/8,172.16.0.0/12
            127.0.0.1/32                       | 127.0.0.1
            0:0:0:0:0:0:0:1/128                | ::1
            2001:DB8:0:1:0:0:0:0/64            | 2001:db8:0:1::/64
            ::ffff:1.2.3.4                     | ::ffff:1.2.3.4
            0.0.0.0/0,::/0                     | 0.0.0.0/0,::/0
            ''                                 | ''
            """)
    void printsTheCanonicalList(String text, String canonical) {
        assertThat(IpAllowList.parse(text)).hasToString(canonical);
        assertThat(IpAllowList.parse(canonical)).isEqualTo(IpAllowList.parse(text));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.1/8           | "10.0.0.1/8" has host bits set
            fd00::1/8            | "fd00::1/8" has host bits set
            192.168.1.1/31       | "192.168.1.1/31" has host bits set
            10.0.0.0/33          | invalid prefix length in "10.0.0.0/33": expected 0 to 32
            ::/129               | invalid prefix length in "::/129": expected 0 to 128
            10.0.0.0/            | invalid prefix length in "10.0.0.0/": expected 0 to 32
            10.0.0.0/x           | invalid prefix length in "10.0.0.0/x": expected 0 to 32
            localhost            | "localhost" is not an IP address or network
            256.0.0.1            | "256.0.0.1" is not an IP address or network
            01.2.3.4             | "01.2.3.4" is not an IP address or network
            1:2:3:4:5:6:7:8:9    | "1:2:3:4:5:6:7:8:9" is not an IP address or network
            1::2::3              | "1::2::3" is not an IP address or network
            fe80::1%eth0         | "fe80::1%eth0" is not an IP address or network
            '127.0.0.1,,::1'     | empty entry in "127.0.0.1,,::1"
            '*,10.0.0.0/8'       | * must stand alone, not in a list: "*,10.0.0.0/8"
            """)
    void rejectsBadEntriesNamingThem(String text, String message) {
        assertThatThrownBy(() -> IpAllowList.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
