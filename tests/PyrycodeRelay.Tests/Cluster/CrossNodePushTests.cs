using PyrycodeRelay.Tests.EndToEnd;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// docs/protocol.md#push-wake-requests in cluster mode: a wake is sent by the binary's node (docs/operations.md#running-a-cluster),
/// with the token the binary names; the node of its phones takes no part. Each node has its own FCM stub (the real
/// sender, built from a service-account key), so the stub that gets a request tells which node sent it.
/// </summary>
public sealed class CrossNodePushTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Wake_is_sent_by_the_binarys_node_exactly_once_and_the_phones_node_sends_nothing()
    {
        await using var rig = await PushCluster.StartAsync(pushOnA: true, pushOnB: true);
        var (a, b) = (rig.A, rig.B);
        await using var binary = await a.ConnectHolderAsync("e2e-s1", read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync("e2e-s1", read: true);
        await using var _p = phone;

        await binary.SendTextAsync(PushRig.Wake("DEVTOKEN-X1"));
        var sent = await a.Logs.WaitForAsync("push_wake_sent");
        Assert.Equal(("e2e-s1", PushRig.Fingerprint("DEVTOKEN-X1")), (sent["server_id"], sent["token_fp"]));

        var token = Assert.Single(rig.StubA.TokenRequests);
        Assert.Equal("POST", token.Method);
        var send = Assert.Single(rig.StubA.SendRequests);
        Assert.Equal(("POST", "/v1/projects/test-proj/messages:send"), (send.Method, send.Path));
        Assert.Equal("Bearer " + FcmStub.AccessToken, send.Headers["Authorization"]);
        Assert.Equal(PushRig.SendBody("DEVTOKEN-X1"), send.BodyText); // the binary's token, never the phone's X-Pyrycode-Token

        // Everything the binary's node published before this frame has been handled by the phone's node once it arrives:
        // the wake reached neither the phone nor the phone's node.
        await binary.SendTextAsync(Envelopes.Data(connId, "{\"after\":\"wake\"}"));
        Assert.Equal("{\"after\":\"wake\"}", await phone.ReceiveTextAsync());
        await phone.AssertSilentAsync(Silence);
        await binary.AssertSilentAsync(Silence);
        Assert.Empty(rig.StubB.Requests);
        Assert.Empty(PushLines(b));
        Assert.Single(rig.StubA.SendRequests);
        Assert.Equal(["push_wake_sent"], PushLines(a).Select(e => e.Name));
    }

    [Fact]
    public async Task Push_off_on_the_binarys_node_drops_the_wake_even_when_the_phones_node_has_push()
    {
        await using var rig = await PushCluster.StartAsync(pushOnA: false, pushOnB: true);
        var (a, b) = (rig.A, rig.B);
        await using var binary = await a.ConnectHolderAsync("e2e-s1", read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync("e2e-s1", read: true);
        await using var _p = phone;

        await binary.SendTextAsync(PushRig.Wake("DEVTOKEN-X2"));
        var dropped = await a.Logs.WaitForAsync("binary_forwarder_push_wake_dropped");
        Assert.Equal(("e2e-s1", "relay: push is off"), (dropped["server_id"], dropped["err"]));

        await binary.SendTextAsync(Envelopes.Data(connId, "[2]"));
        Assert.Equal("[2]", await phone.ReceiveTextAsync());
        await phone.AssertSilentAsync(Silence);
        Assert.Empty(rig.StubA.Requests);
        Assert.Empty(rig.StubB.Requests);
        Assert.Empty(PushLines(b));
    }

    [Fact]
    public async Task Envelope_with_a_remote_phones_conn_id_and_a_push_wake_is_a_data_envelope_and_wakes_nobody()
    {
        await using var rig = await PushCluster.StartAsync(pushOnA: true, pushOnB: true);
        var (a, b) = (rig.A, rig.B);
        await using var binary = await a.ConnectHolderAsync("e2e-s1", read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync("e2e-s1", read: true);
        await using var _p = phone;

        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"x\":1}},\"push_wake\":{{\"platform\":\"fcm\",\"token\":\"DEVTOKEN-X3\"}}}}");
        Assert.Equal("{\"x\":1}", await phone.ReceiveTextAsync());
        await phone.AssertSilentAsync(Silence);
        Assert.Empty(rig.StubA.Requests);
        Assert.Empty(rig.StubB.Requests);
        Assert.Empty(PushLines(a));
        Assert.Empty(PushLines(b));
    }

    /// <summary>Every push line a node logged (outcomes and refusals).</summary>
    private static List<LogEntry> PushLines(TestRelay node) =>
        [.. node.Logs.Entries.Where(e => e.Name is "push_wake_sent" or "push_wake_send_failed" or "binary_forwarder_push_wake_dropped")];

    /// <summary>Two nodes on one redis-server, each with push on (the real sender, its own FCM stub) or off.</summary>
    private sealed class PushCluster : IAsyncDisposable
    {
        private readonly RedisServer _redis;

        private PushCluster(RedisServer redis, FcmStub stubA, FcmStub stubB)
        {
            _redis = redis;
            StubA = stubA;
            StubB = stubB;
        }

        public FcmStub StubA { get; }

        public FcmStub StubB { get; }

        public TestRelay A { get; private set; } = null!;

        public TestRelay B { get; private set; } = null!;

        public static async Task<PushCluster> StartAsync(bool pushOnA, bool pushOnB)
        {
            var rig = new PushCluster(await RedisServer.StartAsync(), await FcmStub.StartAsync(), await FcmStub.StartAsync());
            try
            {
                rig.A = await rig.StartNodeAsync("node-a", rig.StubA, pushOnA);
                rig.B = await rig.StartNodeAsync("node-b", rig.StubB, pushOnB);
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (B is not null)
            {
                await B.DisposeAsync();
            }

            if (A is not null)
            {
                await A.DisposeAsync();
            }

            await StubA.DisposeAsync();
            await StubB.DisposeAsync();
            await _redis.DisposeAsync();
        }

        private async Task<TestRelay> StartNodeAsync(string id, FcmStub stub, bool push)
        {
            var options = TestRelay.Insecure() with
            {
                ClusterRedis = _redis.Address, NodeId = id, ClusterLease = TimeSpan.FromSeconds(3),
                FcmBaseUrl = stub.BaseUrl, FcmTokenUrl = stub.TokenUrl, FcmProjectId = "test-proj",
            };
            var node = await TestRelay.StartAsync(options, fcmCredentials: push ? TestKeys.Json() : null);
            await ClusterRig.WaitReadyAsync(node);
            return node;
        }
    }
}
