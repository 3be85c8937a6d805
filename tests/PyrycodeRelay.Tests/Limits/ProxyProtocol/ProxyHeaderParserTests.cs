using System.Buffers;
using System.Net;
using System.Text;
using PyrycodeRelay.Limits.ProxyProtocol;

namespace PyrycodeRelay.Tests.Limits.ProxyProtocol;

public class ProxyHeaderParserTests
{
    public static TheoryData<string, byte[], string, string> ValidHeaders => new()
    {
        { "v1 TCP4", ProxyHeaders.V1("PROXY TCP4 203.0.113.1 192.0.2.2 51000 443\r\n"), "203.0.113.1:51000", "192.0.2.2:443" },
        { "v1 TCP4 ports 0 and 65535", ProxyHeaders.V1("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"), "0.0.0.0:0", "255.255.255.255:65535" },
        { "v1 TCP6", ProxyHeaders.V1("PROXY TCP6 2001:db8::7 ::1 40000 443\r\n"), "[2001:db8::7]:40000", "[::1]:443" },
        { "v1 TCP6 mapped", ProxyHeaders.V1("PROXY TCP6 ::ffff:1.2.3.4 ::ffff:5.6.7.8 1 2\r\n"), "[::ffff:1.2.3.4]:1", "[::ffff:5.6.7.8]:2" },
        { "v2 TCP4", ProxyHeaders.V2Tcp("198.51.100.7", 1234, "192.0.2.2", 443), "198.51.100.7:1234", "192.0.2.2:443" },
        { "v2 TCP6", ProxyHeaders.V2Tcp("2001:db8::42", 65535, "2001:db8::1", 443), "[2001:db8::42]:65535", "[2001:db8::1]:443" },
        { "v2 TCP4 with TLVs", ProxyHeaders.V2Tcp("203.0.113.9", 0, "192.0.2.2", 443, [0x04, 0x00, 0x03, 1, 2, 3]), "203.0.113.9:0", "192.0.2.2:443" },
    };

    public static TheoryData<string, byte[]> InvalidHeaders => new()
    {
        { "TLS ClientHello", [0x16, 0x03, 0x01, 0x02, 0x00] },
        { "plaintext GET", ProxyHeaders.V1("GET / HTTP/1.1\r\n\r\n") },
        { "lowercase proxy", ProxyHeaders.V1("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "UNKNOWN", ProxyHeaders.V1("PROXY UNKNOWN\r\n") },
        { "UNKNOWN with addresses", ProxyHeaders.V1("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "tcp4 lowercase", ProxyHeaders.V1("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "UDP4", ProxyHeaders.V1("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "TCP4 with IPv6", ProxyHeaders.V1("PROXY TCP4 ::1 ::1 1 2\r\n") },
        { "TCP6 with IPv4", ProxyHeaders.V1("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "TCP6 with zone", ProxyHeaders.V1("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n") },
        { "TCP6 bracketed", ProxyHeaders.V1("PROXY TCP6 [::1] ::1 1 2\r\n") },
        { "TCP6 embedded IPv4 leading zero", ProxyHeaders.V1("PROXY TCP6 ::ffff:1.2.3.04 ::1 1 2\r\n") },
        { "TCP6 embedded IPv4 three parts", ProxyHeaders.V1("PROXY TCP6 ::ffff:1.2.3 ::1 1 2\r\n") },
        { "IPv4 leading zero", ProxyHeaders.V1("PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n") },
        { "IPv4 octet 256", ProxyHeaders.V1("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n") },
        { "IPv4 three parts", ProxyHeaders.V1("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n") },
        { "IPv4 short form", ProxyHeaders.V1("PROXY TCP4 16909060 5.6.7.8 1 2\r\n") },
        { "port 65536", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n") },
        { "port negative", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n") },
        { "port six digits", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 000001 2\r\n") },
        { "missing port", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n") },
        { "extra field", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n") },
        { "double space", ProxyHeaders.V1("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n") },
        { "trailing space", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n") },
        { "LF without CR", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n") },
        { "no CRLF within 107 bytes", ProxyHeaders.V1("PROXY TCP4 " + new string('1', 120)) },
        { "v2 LOCAL", ProxyHeaders.V2(ProxyHeaders.Local, ProxyHeaders.Unspec, []) },
        { "v2 LOCAL TCP4", ProxyHeaders.V2Tcp("1.2.3.4", 1, "5.6.7.8", 2, versionCommand: ProxyHeaders.Local) },
        { "v2 version 1", ProxyHeaders.V2Tcp("1.2.3.4", 1, "5.6.7.8", 2, versionCommand: 0x11) },
        { "v2 command 2", ProxyHeaders.V2Tcp("1.2.3.4", 1, "5.6.7.8", 2, versionCommand: 0x22) },
        { "v2 UNSPEC", ProxyHeaders.V2(ProxyHeaders.Proxy, ProxyHeaders.Unspec, []) },
        { "v2 UDP4", ProxyHeaders.V2(ProxyHeaders.Proxy, 0x12, new byte[12]) },
        { "v2 UDP6", ProxyHeaders.V2(ProxyHeaders.Proxy, 0x22, new byte[36]) },
        { "v2 UNIX stream", ProxyHeaders.V2UnixStream() },
        { "v2 UNIX dgram", ProxyHeaders.V2(ProxyHeaders.Proxy, 0x32, new byte[216]) },
        { "v2 INET unspec transport", ProxyHeaders.V2(ProxyHeaders.Proxy, 0x10, new byte[12]) },
        { "v2 TCP4 length too short", ProxyHeaders.V2(ProxyHeaders.Proxy, ProxyHeaders.Tcp4, new byte[11]) },
        { "v2 TCP6 length too short", ProxyHeaders.V2(ProxyHeaders.Proxy, ProxyHeaders.Tcp6, new byte[12]) },
        { "signature then 0x55", ProxyHeaders.Concat(ProxyHeaderParser.V2Signature.ToArray(), [0x55], "garbage"u8.ToArray()) },
        { "damaged signature", [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0B, 0x21, 0x11, 0, 12] },
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Complete_header_reports_length_and_addresses(string name, byte[] header, string source, string destination)
    {
        var trailing = ProxyHeaders.Concat(header, [0x16, 0x03, 0x01, 0xFF]);
        var result = ProxyHeaderParser.Parse(trailing);

        Assert.True(result.Status == ProxyParseStatus.Complete, name);
        Assert.Equal(header.Length, result.Consumed);
        Assert.Equal(IPEndPoint.Parse(source), result.Source);
        Assert.Equal(IPEndPoint.Parse(destination), result.Destination);
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Every_proper_prefix_needs_more(string name, byte[] header, string source, string destination)
    {
        _ = source;
        _ = destination;
        for (var length = 0; length < header.Length; length++)
        {
            Assert.True(ProxyHeaderParser.Parse(header.AsSpan(0, length)).Status == ProxyParseStatus.NeedMore, $"{name} at {length}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void Segmented_input_parses_like_contiguous_input(string name, byte[] header, string source, string destination)
    {
        _ = destination;
        var bytes = ProxyHeaders.Concat(header, "tail"u8.ToArray());
        for (var split = 1; split < bytes.Length; split++)
        {
            var result = ProxyHeaderParser.Parse(Segmented(bytes, split));
            Assert.True(result.Status == ProxyParseStatus.Complete, $"{name} split {split}");
            Assert.Equal(header.Length, result.Consumed);
            Assert.Equal(IPEndPoint.Parse(source), result.Source);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void Unacceptable_header_is_invalid(string name, byte[] bytes) =>
        Assert.True(ProxyHeaderParser.Parse(bytes).Status == ProxyParseStatus.Invalid, name);

    [Theory]
    [InlineData(new byte[] { (byte)'G' }, 1)]
    [InlineData(new byte[] { (byte)'P', (byte)'R', (byte)'O', (byte)'X', (byte)'Z' }, 5)]
    [InlineData(new byte[] { 0x16 }, 1)]
    [InlineData(new byte[] { 0x0D, 0x0A, 0x0D, 0x0B }, 4)]
    public void Rejects_as_soon_as_the_prefix_cannot_match(byte[] bytes, int length) =>
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(bytes.AsSpan(0, length)).Status);

    [Fact]
    public void V2_rejects_command_and_family_before_the_rest_arrives()
    {
        var local = ProxyHeaders.V2Tcp("1.2.3.4", 1, "5.6.7.8", 2, versionCommand: ProxyHeaders.Local);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(local.AsSpan(0, 13)).Status);
        var unix = ProxyHeaders.V2UnixStream();
        Assert.Equal(ProxyParseStatus.NeedMore, ProxyHeaderParser.Parse(unix.AsSpan(0, 13)).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(unix.AsSpan(0, 14)).Status);
    }

    [Fact]
    public void V1_of_exactly_107_bytes_is_accepted_and_108_rejected()
    {
        const string src = "0000:0000:0000:0000:0000:ffff:192.168.100.200"; // 45 characters
        const string dst = "2001:0db8:0000:0000:0000:0000:0000:0001";       // 39 characters
        var line107 = $"PROXY TCP6 {src} {dst} 12 65535\r\n";
        var line108 = $"PROXY TCP6 {src} {dst} 123 65535\r\n";
        Assert.Equal(107, line107.Length);
        Assert.Equal(108, line108.Length);

        var ok = ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(line107));
        Assert.Equal(ProxyParseStatus.Complete, ok.Status);
        Assert.Equal(107, ok.Consumed);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("::ffff:192.168.100.200"), 12), ok.Source);

        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(line108)).Status);
        Assert.Equal(ProxyParseStatus.NeedMore, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(line108[..106])).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(line108[..107])).Status);
    }

    [Fact]
    public void Fuzz_random_and_mutated_input_never_throws_and_stays_in_bounds()
    {
        var random = new Random(20260601);
        var seeds = ValidHeaders.Select(row => (byte[])row[1]).ToArray();
        for (var i = 0; i < 200_000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
                if (bytes.Length > 0 && i % 4 == 0)
                {
                    bytes[0] = i % 8 == 0 ? (byte)'P' : (byte)0x0D;
                }
            }
            else
            {
                bytes = (byte[])seeds[random.Next(seeds.Length)].Clone();
                for (var m = random.Next(1, 4); m > 0; m--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                bytes = bytes[..random.Next(bytes.Length + 1)];
            }

            var result = ProxyHeaderParser.Parse(bytes);
            if (result.Status == ProxyParseStatus.Complete)
            {
                Assert.InRange(result.Consumed, 1, bytes.Length);
                Assert.NotNull(result.Source);
                Assert.NotNull(result.Destination);
            }
            else
            {
                Assert.Equal(0, result.Consumed);
            }
        }
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
