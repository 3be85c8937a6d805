using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Scenarios B 22–24 (docs/tls.md) through the real relay process (boot step 20t, docs/operations.md#tls): the ACME cache
/// directory is tightened when it is the relay's own, and refused (exit 1, ERROR <c>autocert setup failed</c>)
/// when it is someone else's or not a directory. No ACME server is needed: nothing is ordered at boot.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CertCacheProcessTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("relay-b22-");

    private static string[] AcmeArgs(string cache) =>
    [
        "--domain", "relay.test", "--acme-directory", "https://127.0.0.1:9/directory",
        "--https-listen", "127.0.0.1:" + RelayProcessRunner.FreePort(), "--http-listen", "127.0.0.1:" + RelayProcessRunner.FreePort(),
        "--metrics-listen=", "--cert-cache", cache,
    ];

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    private static async Task<LogfmtLine> FailsWithExit1Async(string cache)
    {
        using var relay = RelayProcessRunner.Start(AcmeArgs(cache));
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.True(code == 1, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
        Assert.Equal("", stdout);
        var lines = stderr.Select(LogfmtLine.Parse).ToList();
        var error = Assert.Single(lines, l => l["level"] == "ERROR");
        Assert.Equal("autocert setup failed", error["msg"]);
        Assert.Equal(["time", "level", "msg", "err"], error.Keys);
        Assert.DoesNotContain(lines, l => l["msg"] == "starting");
        return error;
    }

    [Fact]
    public async Task B22_own_group_readable_cache_directory_is_tightened_and_boot_continues()
    {
        var cache = Path.Combine(_dir.FullName, "certs");
        Directory.CreateDirectory(cache);
        File.SetUnixFileMode(cache, (UnixFileMode)0b111_101_101); // 0755, owned by the relay's uid (the test's)

        using var relay = RelayProcessRunner.Start(AcmeArgs(cache));
        var tightened = LogfmtLine.Parse(await relay.WaitForStderrAsync(l => l.Contains("tightened cert cache dir perms", StringComparison.Ordinal)));
        await relay.WaitForStderrAsync(l => l.Contains("msg=starting", StringComparison.Ordinal));
        relay.Terminate();
        var (code, _, stderr) = await relay.WaitForExitAsync();

        Assert.Equal("INFO", tightened["level"]);
        Assert.Equal(("0755", "0700"), (tightened["from"], tightened["to"]));
        Assert.Equal("700", Mode(cache));
        Assert.True(code == 0, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
    }

    [Fact]
    public async Task B23_someone_elses_cache_directory_is_refused_with_exit_1_and_left_unchanged()
    {
        var cache = Path.Combine(_dir.FullName, "theirs");
        Directory.CreateDirectory(cache);
        File.SetUnixFileMode(cache, (UnixFileMode)0b111_101_101);
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534:65534", cache]))
        {
            await chown.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, chown.ExitCode); // the tests run as root
        }


        var error = await FailsWithExit1Async(cache);

        Assert.Contains("insecure permissions (must be 0700)", error["err"], StringComparison.Ordinal);
        Assert.Contains("(mode 755)", error["err"], StringComparison.Ordinal);
        Assert.Equal("755", Mode(cache));
    }

    [Fact]
    public async Task B24_cache_path_that_is_a_regular_file_is_refused_with_exit_1()
    {
        var cache = Path.Combine(_dir.FullName, "a-file");
        await File.WriteAllTextAsync(cache, "not a directory");

        var error = await FailsWithExit1Async(cache);

        Assert.Contains("not a directory", error["err"], StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
