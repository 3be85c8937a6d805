using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>One real redis-server and in-process relays (nodes) sharing it (docs/operations.md#running-a-cluster).</summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    private readonly List<TestRelay> _nodes = [];

    private ClusterRig(RedisServer redis) => Redis = redis;

    /// <summary>The shared Redis.</summary>
    public RedisServer Redis { get; }

    /// <summary>The nodes, in start order.</summary>
    public IReadOnlyList<TestRelay> Nodes => _nodes;

    /// <summary>Starts Redis and <paramref name="count"/> nodes (<c>node-a</c>, <c>node-b</c>, …) with <paramref name="configure"/> applied; waits until each is ready.</summary>
    public static async Task<ClusterRig> StartAsync(int count = 2, Func<RelayOptions, RelayOptions>? configure = null)
    {
        var rig = new ClusterRig(await RedisServer.StartAsync());
        try
        {
            for (var i = 0; i < count; i++)
            {
                var id = "node-" + (char)('a' + i);
                var node = await TestRelay.StartAsync(o =>
                {
                    var clustered = o with { ClusterRedis = rig.Redis.Address, NodeId = id, ClusterLease = TimeSpan.FromSeconds(3) };
                    return configure?.Invoke(clustered) ?? clustered;
                }, metrics: true);
                rig._nodes.Add(node);
                await WaitReadyAsync(node);
            }

            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <c>/readyz</c> until 200 (fails after 15 s).</summary>
    public static Task WaitReadyAsync(TestRelay node) => Eventually.Async(() =>
    {
        try
        {
            return node.Http.GetAsync(new Uri("/readyz", UriKind.Relative)).GetAwaiter().GetResult().IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, "cluster node ready", TimeSpan.FromSeconds(15));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    /// <summary>
    /// Reads frames "0".."n-1" from <paramref name="phone"/> and fails on a gap or reorder; returns how many arrived
    /// and the close that ended the stream (or none). Each read waits at most <paramref name="perRead"/>.
    /// </summary>
    public static async Task<(int Received, (int, string)? Close)> ReadInOrderAsync(WsTestClient phone, int frames, TimeSpan perRead)
    {
        var next = 0;
        while (next < frames)
        {
            var (_, bytes, status, reason) = await phone.ReceiveAnyAsync(perRead);
            if (status is not null)
            {
                return (next, ((int)status, reason ?? ""));
            }

            var text = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.True(text == next.ToString(System.Globalization.CultureInfo.InvariantCulture), $"expected frame {next}, got {text}: a gap or reorder");
            next++;
        }

        return (next, null);
    }

    /// <summary>The next data envelope for <paramref name="connId"/> the binary receives, skipping anything else (each read 10 s at most).</summary>
    public static async Task<string> ReceiveDataForAsync(WsTestClient binary, string connId)
    {
        while (true)
        {
            var text = await binary.ReceiveTextAsync(TimeSpan.FromSeconds(10));
            if (text.Contains(connId, StringComparison.Ordinal) && text.Contains("\"frame\"", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}
