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

    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, a valid <c>--cluster-redis</c> value.</summary>
    public string Address => "127.0.0.1:" + Port;

    /// <summary>Starts a server on a free port and waits until it answers PING (fails after 10 s).</summary>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: apt-get install -y redis-server");
        var server = new RedisServer(port ?? RelayProcessRunner.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>A port nothing listens on (for "Redis unreachable").</summary>
    public static RedisServer Unstarted() => new(RelayProcessRunner.FreePort());

    /// <summary>(Re)starts the server on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
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

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.Async(() => PingOk(), () => $"redis-server on port {Port} answers PING");
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

    /// <summary>Runs one command (inline protocol) and returns the raw reply text.</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync("127.0.0.1", Port, cts.Token);
        var stream = client.GetStream();
        var sb = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), cts.Token);
        var buffer = new byte[65536];
        var n = await stream.ReadAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private bool PingOk()
    {
        try
        {
            return CommandAsync("PING").GetAwaiter().GetResult().StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}
