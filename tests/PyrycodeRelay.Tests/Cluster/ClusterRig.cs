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
}
