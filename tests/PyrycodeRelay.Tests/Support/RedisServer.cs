using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A real Debian <c>redis-server</c> as a child process on a free loopback port, without persistence
/// (<c>--save "" --appendonly no</c>): started by the test, killed on dispose. It can be stopped and started
/// again on the same port (a restart loses everything, like a production Redis without persistence),
/// paused (SIGSTOP) and resumed.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The redis-server binary (Debian package <c>redis-server</c>).</summary>
    public const string Binary = "/usr/bin/redis-server";

    /// <summary>How long a start may take until PING answers: generous, machines here are shared and loaded.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private RedisServer(int port, string? password = null, int? replicaOf = null) => (Port, Password, ReplicaOf) = (port, password, replicaOf);

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The <c>--requirepass</c> password, or null for none.</summary>
    public string? Password { get; }

    /// <summary>The port of the primary this server starts as a replica of (<c>--replicaof</c>), or null.</summary>
    public int? ReplicaOf { get; }

    /// <summary><c>127.0.0.1:port</c>, a valid <c>--cluster-redis</c> value.</summary>
    public string Address => "127.0.0.1:" + Port;

    /// <summary>
    /// Starts a server on a free port (with <c>--requirepass <paramref name="password"/></c> when given) and waits
    /// until it answers PING (fails after 10 s).
    /// </summary>
    public static async Task<RedisServer> StartAsync(int? port = null, string? password = null, int? replicaOf = null)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: apt-get install -y redis-server");
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(port ?? RelayProcessRunner.FreePort(), password, replicaOf);
            if (await server.TryStartAsync())
            {
                return server;
            }

            // The free port was taken between FreePort() and redis-server's bind (parallel tests): another port.
            Assert.True(port is null && attempt < 3, server.ExitedMessage());
        }
    }

    /// <summary>A port nothing listens on (for "Redis unreachable").</summary>
    public static RedisServer Unstarted() => new(RelayProcessRunner.FreePort());

    /// <summary>(Re)starts the server on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        Assert.True(await TryStartAsync(), ExitedMessage());
    }

    /// <summary>
    /// Starts the server on <see cref="Port"/>; true once it answers PING, false when it exited first (e.g. the port is
    /// taken). Fails after <see cref="StartTimeout"/>.
    /// </summary>
    private async Task<bool> TryStartAsync()
    {
        var psi = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"])
        {
            psi.ArgumentList.Add(a);
        }

        if (Password is not null)
        {
            psi.ArgumentList.Add("--requirepass");
            psi.ArgumentList.Add(Password);
            psi.ArgumentList.Add("--masterauth"); // used only while a replica (Sentinel tests fail primaries over)
            psi.ArgumentList.Add(Password);
        }

        if (ReplicaOf is { } primary)
        {
            psi.ArgumentList.Add("--replicaof");
            psi.ArgumentList.Add("127.0.0.1");
            psi.ArgumentList.Add(primary.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Ours answering, not just anyone on the port: when the port was taken between FreePort and the bind, our
        // redis-server exits while another test's server may answer PING first, and two tests would share one Redis
        // (same node ids, same server-ids: a phone joins the other test's live holder and is rightly never closed).
        var process = _process;
        await Eventually.Async(() => process.HasExited || OwnServerAnswers(process.Id), () => $"redis-server (pid {process.Id}) on port {Port} answers", StartTimeout);
        if (!process.HasExited)
        {
            return true;
        }

        await process.WaitForExitAsync(); // drains its output
        return false;
    }

    private string ExitedMessage() => $"redis-server on port {Port} exited at start: {string.Join(" | ", _output)}";

    private void Keep(string? line)
    {
        if (line is not null && _output.Count < 50)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>Whether the server on <see cref="Port"/> answers and is process <paramref name="pid"/>.</summary>
    private bool OwnServerAnswers(int pid)
    {
        try
        {
            var info = CommandAsync("INFO", "server").GetAwaiter().GetResult();
            return info.Contains("\r\nprocess_id:" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or Xunit.Sdk.XunitException)
        {
            return false;
        }
    }

    /// <summary>Kills the server (SIGKILL) and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Sends a signal (e.g. STOP, CONT) to the server.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Runs one command (RESP; after <c>AUTH</c> when the server has a password) and returns the raw reply text.</summary>
    public Task<string> CommandAsync(params string[] args) => CommandAsync(Port, Password, args);

    /// <summary>Runs one command against any Redis or sentinel on loopback <paramref name="port"/>.</summary>
    public static async Task<string> CommandAsync(int port, string? password, params string[] args)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync("127.0.0.1", port, cts.Token);
        var stream = client.GetStream();
        if (password is not null)
        {
            await stream.WriteAsync(Resp(["AUTH", password]), cts.Token);
            var ok = new byte[64];
            var read = await stream.ReadAsync(ok, cts.Token);
            Assert.StartsWith("+OK", Encoding.UTF8.GetString(ok, 0, read), StringComparison.Ordinal);
        }

        await stream.WriteAsync(Resp(args), cts.Token);
        var buffer = new byte[65536];
        var n = await stream.ReadAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static byte[] Resp(string[] args)
    {
        var sb = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}
