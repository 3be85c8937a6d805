using System.Text.RegularExpressions;
using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

public class ConnIdsTests
{
    private static readonly Regex ConnIdShape = new(@"^client-[\x21-\x7E]{1,128}-[0-9a-f]{16}$", RegexOptions.CultureInvariant);

    [Theory]
    [InlineData("s1", 0xdeadbeefUL, "client-s1-00000000deadbeef")]
    [InlineData("s1", 0UL, "client-s1-0000000000000000")]
    [InlineData("s1", ulong.MaxValue, "client-s1-ffffffffffffffff")]
    [InlineData("a-b", 0x0123456789abcdefUL, "client-a-b-0123456789abcdef")]
    [InlineData("q\"\\", 1UL, "client-q\"\\-0000000000000001")]
    public void Format_and_parse(string serverId, ulong suffix, string connId)
    {
        Assert.Equal(connId, ConnIds.Format(serverId, suffix));
        Assert.True(ConnIds.TryParseSuffix(Utf8(connId), serverId, out ulong fromString));
        Assert.Equal(suffix, fromString);
        Assert.True(ConnIds.TryParseSuffix(Utf8(connId), Utf8(serverId), out ulong fromBytes));
        Assert.Equal(suffix, fromBytes);
    }

    [Theory]
    [InlineData("client-s1-00000000DEADBEEF", "s1")]       // uppercase hex
    [InlineData("client-s1-00000000deadbee", "s1")]        // 15 digits
    [InlineData("client-s1-00000000deadbeef0", "s1")]      // 17 digits
    [InlineData("client-s1-00000000deadbeeg", "s1")]       // not hex
    [InlineData("client-s1-0000000 deadbeef", "s1")]
    [InlineData("client-s1-+0000000deadbeef", "s1")]
    [InlineData("client-s2-00000000deadbeef", "s1")]       // other server-id
    [InlineData("client-s1-00000000deadbeef", "s")]        // server-id is a prefix
    [InlineData("client-s-00000000deadbeef", "s1")]
    [InlineData("client-S1-00000000deadbeef", "s1")]       // case-sensitive
    [InlineData("Client-s1-00000000deadbeef", "s1")]
    [InlineData("server-s1-00000000deadbeef", "s1")]
    [InlineData("client-s1_00000000deadbeef", "s1")]
    [InlineData("client-s100000000deadbeef", "s1")]
    [InlineData(" client-s1-00000000deadbeef", "s1")]
    [InlineData("client-s1-00000000deadbeef ", "s1")]
    [InlineData("", "s1")]
    [InlineData("client-", "s1")]
    public void Parse_rejects_anything_but_the_exact_shape(string connId, string serverId)
    {
        Assert.False(ConnIds.TryParseSuffix(Utf8(connId), serverId, out ulong a));
        Assert.False(ConnIds.TryParseSuffix(Utf8(connId), Utf8(serverId), out ulong b));
        Assert.Equal(0UL, a);
        Assert.Equal(0UL, b);
    }

    [Fact]
    public void New_conn_ids_have_the_documented_shape_and_do_not_repeat()
    {
        string serverId = new('~', 128);
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 10_000; i++)
        {
            string connId = ConnIds.NewConnId(serverId, out ulong suffix);
            Assert.Matches(ConnIdShape, connId);
            Assert.True(ConnIds.TryParseSuffix(Utf8(connId), serverId, out ulong parsed));
            Assert.Equal(suffix, parsed);
            Assert.True(seen.Add(suffix));
            Assert.Equal(CodecLimits.MaxConnIdBytes, Utf8(connId).Length);
        }

        // 64 random bits: every bit position takes both values across 10 000 draws.
        ulong or = 0, and = ulong.MaxValue;
        foreach (ulong s in seen)
        {
            or |= s;
            and &= s;
        }

        Assert.Equal(ulong.MaxValue, or);
        Assert.Equal(0UL, and);
    }

    [Fact]
    public void Binary_connection_ids_have_the_documented_shape()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            string id = ConnIds.NewBinaryConnId("s1");
            Assert.Matches(@"^server-s1-[0-9a-f]{8}$", id);
            seen.Add(id);
        }

        Assert.True(seen.Count > 990);
    }
}
