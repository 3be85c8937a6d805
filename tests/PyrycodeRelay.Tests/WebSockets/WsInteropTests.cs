using System.Diagnostics;
using System.Text.Json;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>
/// The framing layer against an independent client: npm <c>ws</c> under Node.js (tests/interop). CI
/// installs it with <c>npm ci</c>; a missing install fails the test with the command to run.
/// </summary>
public sealed class WsInteropTests
{
    [Fact]
    public async Task NpmWs_FragmentsPingsClosesAndEnvelopes_Interoperate()
    {
        var interop = FindInteropFolder();
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "ws")),
            $"npm ws is not installed: run `npm ci` in {interop}");
        await using var relay = await TestRelay.StartAsync();

        var start = new ProcessStartInfo("node", ["ws-session.mjs", $"ws://127.0.0.1:{relay.Host.RelayPort}", "ws-s1"])
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
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
