namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>Runs the relay process to a refusal or to a clean start-and-SIGTERM.</summary>
internal static class ProcessBootAssert
{
    public static string[] InsecureArgs() =>
        ["--insecure-listen", "127.0.0.1:" + RelayProcess.FreePort(), "--metrics-listen", "127.0.0.1:" + RelayProcess.FreePort()];

    /// <summary>
    /// Starts the relay, expects exit 2 with exactly one ERROR line carrying <paramref name="message"/>, no
    /// <c>starting</c> line (no listener set up) and nothing on stdout. Returns the parsed ERROR line.
    /// </summary>
    public static async Task<(LogfmtLine Error, IReadOnlyList<string> Stderr)> RefusesAsync(
        string message, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        bool allowStarting = false)
    {
        using var relay = RelayProcess.Start(args, env, caps);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        var all = string.Join("\n", stderr);
        Assert.True(code == 2, $"exit {code}; stderr:\n{all}");
        Assert.Equal("", stdout);
        var lines = stderr.Select(LogfmtLine.Parse).ToList();
        var errors = lines.Where(l => l["level"] == "ERROR").ToList();
        var error = Assert.Single(errors);
        Assert.Equal(message, error["msg"]);
        Assert.Equal(["time", "level", "msg"], error.Keys.Take(3));
        if (!allowStarting)
        {
            Assert.DoesNotContain(lines, l => l["msg"] == "starting");
        }

        return (error, stderr);
    }

    /// <summary>Starts the relay, waits for INFO <c>starting</c>, sends SIGTERM and expects exit 0 without any ERROR line.</summary>
    public static async Task<IReadOnlyList<string>> StartsAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped, string[]? extraSetpriv = null)
    {
        using var relay = RelayProcess.Start(args, env, caps, extraSetpriv);
        await relay.WaitForStderrAsync(l => l.Contains(" msg=starting ", StringComparison.Ordinal));
        relay.Terminate();
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.True(code == 0, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
        Assert.Equal("", stdout);
        Assert.DoesNotContain(stderr, l => l.Contains("level=ERROR", StringComparison.Ordinal));
        return stderr;
    }
}
