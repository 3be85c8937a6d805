using System.Diagnostics;
using System.Globalization;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A real Redis Sentinel deployment on free loopback ports (docs/operations.md#redis-sentinel): a primary, one
/// replica and one sentinel (quorum 1, <c>down-after-milliseconds 1000</c>), all Debian <c>redis-server</c> child
/// processes (the sentinel is <c>redis-server sentinel.conf --sentinel</c>; no <c>redis-sentinel</c> package, no system
/// service). Killed on dispose.
/// </summary>
internal sealed class RedisSentinelSet : IAsyncDisposable
{
    /// <summary>The master name the sentinel monitors.</summary>
    public const string MasterName = "relaymaster";

    private readonly TempDir _dir = new();
    private Process? _sentinel;
    private string? _sentinelPassword;

    private RedisSentinelSet(RedisServer primary, RedisServer replica, int sentinelPort) =>
        (Primary, Replica, SentinelPort) = (primary, replica, sentinelPort);

    /// <summary>The first primary (a replica after a failover).</summary>
    public RedisServer Primary { get; }

    /// <summary>The replica (the primary after a failover).</summary>
    public RedisServer Replica { get; }

    /// <summary>The sentinel's port.</summary>
    public int SentinelPort { get; }

    /// <summary>The <c>--cluster-redis</c> value naming the sentinel.</summary>
    public string Address => $"redis+sentinel://127.0.0.1:{SentinelPort}/{MasterName}";

    /// <summary>
    /// Starts primary, replica (waits until it is in sync), then the sentinel (waits until it knows the replica). With
    /// <paramref name="password"/>, primary and replica require it and the sentinel authenticates to them with it
    /// (<c>sentinel auth-pass</c>); the sentinel itself requires it too when <paramref name="sentinelRequiresPassword"/>.
    /// </summary>
    public static async Task<RedisSentinelSet> StartAsync(string? password = null, bool sentinelRequiresPassword = false)
    {
        var primary = await RedisServer.StartAsync(password: password);
        var replica = await RedisServer.StartAsync(password: password, replicaOf: primary.Port);
        var set = new RedisSentinelSet(primary, replica, RelayProcessRunner.FreePort()) { _sentinelPassword = sentinelRequiresPassword ? password : null };
        try
        {
            await Eventually.Async(() => replica.CommandAsync("INFO", "replication").GetAwaiter().GetResult().Contains("master_link_status:up", StringComparison.Ordinal),
                "the replica is in sync", TimeSpan.FromSeconds(15));
            await set.StartSentinelAsync();
            return set;
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port the sentinel names as the primary now.</summary>
    public async Task<int> PrimaryPortAsync()
    {
        var reply = await SentinelCommandAsync("SENTINEL", "get-master-addr-by-name", MasterName);
        var lines = reply.Split("\r\n");
        return int.Parse(lines[^2], CultureInfo.InvariantCulture); // *2 $9 127.0.0.1 $5 PORT ""
    }

    /// <summary>
    /// A forced failover (<c>SENTINEL FAILOVER</c>); asserts the sentinel accepted it within 20 s. A sentinel that lists
    /// the replica may not have had an INFO reply from it yet and answers <c>-NOGOODSLAVE</c> until it has: that one
    /// answer is asked again; any other non-<c>+OK</c> reply fails at once.
    /// </summary>
    public async Task FailoverAsync()
    {
        var reply = "";
        await Eventually.Async(() =>
        {
            reply = SentinelCommandAsync("SENTINEL", "FAILOVER", MasterName).GetAwaiter().GetResult();
            return !reply.StartsWith("-NOGOODSLAVE", StringComparison.Ordinal);
        }, "the sentinel has a replica it can promote", TimeSpan.FromSeconds(20));
        Assert.StartsWith("+OK", reply, StringComparison.Ordinal);
    }

    /// <summary>Waits until the sentinel names the replica as the primary (fails after <paramref name="within"/>).</summary>
    public Task WaitPromotedAsync(TimeSpan within) =>
        Eventually.Async(() => PrimaryPortAsync().GetAwaiter().GetResult() == Replica.Port, "the sentinel promoted the replica", within);

    /// <summary>One command to the sentinel (raw RESP reply).</summary>
    public Task<string> SentinelCommandAsync(params string[] args) => RedisServer.CommandAsync(SentinelPort, _sentinelPassword, args);

    private async Task StartSentinelAsync()
    {
        var conf = Path.Combine(_dir.Path, "sentinel.conf");
        await File.WriteAllTextAsync(conf, string.Join('\n',
            $"port {SentinelPort}", "bind 127.0.0.1", "protected-mode no", "daemonize no", "loglevel warning", $"dir {_dir.Path}",
            $"sentinel monitor {MasterName} 127.0.0.1 {Primary.Port} 1",
            $"sentinel down-after-milliseconds {MasterName} 1000",
            $"sentinel failover-timeout {MasterName} 5000",
            Primary.Password is { } pw ? $"sentinel auth-pass {MasterName} {pw}" : "",
            _sentinelPassword is { } own ? $"requirepass {own}" : "", ""));
        var psi = new ProcessStartInfo(RedisServer.Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(conf);
        psi.ArgumentList.Add("--sentinel");
        _sentinel = Process.Start(psi) ?? throw new InvalidOperationException("redis-server --sentinel did not start");
        _sentinel.OutputDataReceived += (_, _) => { };
        _sentinel.ErrorDataReceived += (_, _) => { };
        _sentinel.BeginOutputReadLine();
        _sentinel.BeginErrorReadLine();
        await Eventually.Async(() =>
        {
            try
            {
                return SentinelCommandAsync("SENTINEL", "replicas", MasterName).GetAwaiter().GetResult()
                    .Contains("127.0.0.1:" + Replica.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
            {
                return false;
            }
        }, "the sentinel knows the replica", TimeSpan.FromSeconds(15));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_sentinel is not null)
        {
            try
            {
                _sentinel.Kill();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _sentinel.WaitForExitAsync(cts.Token);
            }
            catch (InvalidOperationException)
            {
            }

            _sentinel.Dispose();
        }

        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
        _dir.Dispose();
    }
}
