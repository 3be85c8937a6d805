using PyrycodeRelay.Hosting;

namespace PyrycodeRelay.Tests.Hosting;

/// <summary>
/// The relay's socket transport receives into <see cref="TransportMemoryPool"/> blocks (issue 16), plain and over TLS,
/// and large frames cross it byte for byte in both directions whatever the block size.
/// </summary>
public sealed class TransportPoolRelayTests : IDisposable
{
    private const string Domain = "relay.example.com";
    private readonly StaticCerts _certs = new(Domain);

    [Theory]
    [InlineData(false, 32768)]
    [InlineData(true, 32768)]
    [InlineData(false, 4096)]
    [InlineData(true, 65536)]
    public async Task Large_frames_cross_the_transport_pool_both_ways(bool tls, int blockBytes)
    {
        var options = (tls ? TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile) : TestRelay.Insecure()) with
        {
            TransportBlockBytes = blockBytes, RateLimitBurst = 1_000_000,
        };
        await using var relay = await TestRelay.StartAsync(options);
        RelayTarget? target = tls ? new RelayTarget(relay.Port, Domain, _certs.Root) : null;
        await using var binary = await relay.ConnectHolderAsync("pool-s1", target);
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("pool-s1", target);
        await using var _ = phone;

        foreach (var size in new[] { 10, 4090, 100 * 1024, 200 * 1024 })
        {
            var up = $"{{\"d\":\"{Filler(size, 'a')}\"}}";
            await phone.SendTextAsync(up);
            Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{up}}}", await binary.ReceiveTextAsync());

            var down = $"\"{Filler(size, 'b')}\"";
            await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{down}}}");
            Assert.Equal(down, await phone.ReceiveTextAsync());
        }

        var pools = relay.Host.TransportPools.Pools;
        Assert.NotEmpty(pools);
        Assert.All(pools, p => Assert.Equal(blockBytes, p.BlockSize));
        Assert.True(pools.Sum(p => p.Allocated) > 0, "the transport never rented a block from the relay's pool");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_epoll_transport_serves_the_relay_unless_inline_io_is_off(bool inline)
    {
        var options = TestRelay.Insecure() with { TransportInline = inline };
        await using var relay = await TestRelay.StartAsync(options);
        await using var binary = await relay.ConnectHolderAsync("epoll-s1");
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("epoll-s1");
        await using var _ = phone;

        await phone.SendTextAsync("{\"n\":1}");
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"n\":1}}}}", await binary.ReceiveTextAsync());
        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"n\":2}}}}");
        Assert.Equal("{\"n\":2}", await phone.ReceiveTextAsync());

        if (inline)
        {
            Assert.True(relay.Host.EpollTransport!.Accepted >= 2, $"accepted {relay.Host.EpollTransport.Accepted}: the binary and the phone did not come through the epoll transport");
        }
        else
        {
            Assert.Null(relay.Host.EpollTransport); // Kestrel's socket transport
        }
    }

    public void Dispose() => _certs.Dispose();

    /// <summary>A JSON-safe string of <paramref name="length"/> characters that is not all one letter (catches reordering).</summary>
    private static string Filler(int length, char first) =>
        string.Create(length, first, (span, c) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(c + (i % 7));
            }
        });
}
