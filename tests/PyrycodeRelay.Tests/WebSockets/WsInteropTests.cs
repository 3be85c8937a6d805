using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>
/// The framing layer against an independent client: npm <c>ws</c> under Node.js (tests/interop). On a fresh
/// clone the test installs the pinned client itself (<c>npm ci</c>, once, bounded); without Node.js or npm it
/// fails with one line saying what to install.
/// </summary>
public sealed class WsInteropTests
{
    [Fact]
    public async Task NpmWs_FragmentsPingsClosesAndEnvelopes_Interoperate()
    {
        var interop = FindInteropFolder();
        await EnsureNpmWsAsync(interop);
        await using var relay = await TestRelay.StartAsync();

        var start = new ProcessStartInfo("node", ["ws-session.mjs", $"ws://127.0.0.1:{relay.Host.RelayPort}", "ws-s1"])
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = StartTool(start, "Node.js");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = node.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = node.StandardError.ReadToEndAsync(cts.Token);
        await node.WaitForExitAsync(cts.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr} {string.Join(" | ", lines)}");

        var envelope = lines.Single(l => l.GetProperty("step").GetString() == "envelope");
        Assert.False(envelope.GetProperty("isBinary").GetBoolean());
        var text = envelope.GetProperty("text").GetString()!;
        var connId = JsonDocument.Parse(text).RootElement.GetProperty("conn_id").GetString();
        Assert.Matches("^client-ws-s1-[0-9a-f]{16}$", connId);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"a\":[1,2],\"b\":\"é\"}}}}", text);

        var reply = lines.Single(l => l.GetProperty("step").GetString() == "reply");
        Assert.Equal("{\"ok\":true}", reply.GetProperty("text").GetString());
        Assert.False(reply.GetProperty("isBinary").GetBoolean());

        Assert.Equal("hello-ping", lines.Single(l => l.GetProperty("step").GetString() == "pong").GetProperty("payload").GetString());

        var phoneClose = lines.Single(l => l.GetProperty("step").GetString() == "phone-close");
        Assert.Equal(4401, phoneClose.GetProperty("code").GetInt32());
        Assert.Equal("", phoneClose.GetProperty("reason").GetString());

        var binaryClose = lines.Single(l => l.GetProperty("step").GetString() == "binary-close");
        Assert.Equal(1000, binaryClose.GetProperty("code").GetInt32());
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "ws-s1");
    }

    /// <summary>Runs <c>npm ci</c> in <paramref name="interop"/> unless npm <c>ws</c> is already installed there.</summary>
    private static async Task EnsureNpmWsAsync(string interop)
    {
        if (Directory.Exists(Path.Combine(interop, "node_modules", "ws")))
        {
            return;
        }

        var install = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = StartTool(install, "npm");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await npm.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            Assert.Fail($"`npm ci` in {interop} did not finish within 3 minutes (no npm registry?); run it by hand, then rerun the tests");
        }

        await stdout;
        // npm prints a stack of "npm error" lines; the first one naming an Error says why (e.g. FetchError ... ECONNREFUSED).
        var errors = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var reason = errors.FirstOrDefault(l => l.Contains("Error", StringComparison.Ordinal)) ?? errors.FirstOrDefault() ?? "";
        Assert.True(npm.ExitCode == 0 && Directory.Exists(Path.Combine(interop, "node_modules", "ws")),
            $"`npm ci` in {interop} failed (exit code {npm.ExitCode}): {reason}");
    }

    /// <summary>Starts a tool of the interop test; if it is not installed, fails with what to install.</summary>
    private static Process StartTool(ProcessStartInfo start, string name)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        }
        catch (Win32Exception)
        {
            Assert.Fail($"{name} is not installed: the npm ws interop test needs Node.js 18+ and npm on PATH (Debian: apt-get install nodejs npm)");
            throw;
        }
    }

    private static string FindInteropFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "ws-session.mjs")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/interop not found above " + AppContext.BaseDirectory);
    }
}
