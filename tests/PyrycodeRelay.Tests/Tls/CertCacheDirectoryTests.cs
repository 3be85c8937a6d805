using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>docs/operations.md#cert-cache-directory on the real file system (the tests run as root, so chown works).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CertCacheDirectoryTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly CapturingLoggerProvider _logs = new();
    private ILogger Logger => _logs.CreateLogger("t");

    [Fact]
    public void Empty_domain_or_dir_is_refused()
    {
        Assert.Equal("relay: domain and cert cache directory required", CertCacheDirectory.Prepare("", _tmp.Path, Logger));
        Assert.Equal("relay: domain and cert cache directory required", CertCacheDirectory.Prepare("relay.test", "", Logger));
    }

    [Fact]
    public void Missing_directory_is_created_with_parents_mode_0700()
    {
        var dir = Path.Combine(_tmp.Path, "a", "b", "certs");
        Assert.Null(CertCacheDirectory.Prepare("relay.test", dir, Logger));
        Assert.True(Directory.Exists(dir));
        Assert.Equal("700", Mode(dir));
        Assert.Equal("700", Mode(Path.Combine(_tmp.Path, "a")));
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void Owner_only_directory_is_used_as_is()
    {
        var dir = Path.Combine(_tmp.Path, "c");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(dir, "relay.test"), "x");
        File.SetUnixFileMode(Path.Combine(dir, "relay.test"), (UnixFileMode)0x1A4); // 0644, contents untouched
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute); // 0500
        Assert.Null(CertCacheDirectory.Prepare("relay.test", dir, Logger));
        Assert.Equal("500", Mode(dir));
        Assert.Equal("644", Mode(Path.Combine(dir, "relay.test")));
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void Own_0755_directory_is_tightened_to_0700_with_an_info_line()
    {
        var dir = Path.Combine(_tmp.Path, "d");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED); // 0755
        Assert.Null(CertCacheDirectory.Prepare("relay.test", dir, Logger));
        Assert.Equal("700", Mode(dir));
        var e = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Information, e.Level);
        Assert.Equal("tightened cert cache dir perms", e.EventName);
        Assert.Equal($"tightened cert cache dir perms path={dir} from=0755 to=0700", e.Message);
        Assert.Equal(dir, e["path"]);
        Assert.Equal("0755", e["from"]);
        Assert.Equal("0700", e["to"]);
    }

    [Fact]
    public void Directory_of_another_uid_with_0755_is_refused_and_left_unchanged()
    {
        Assert.Equal(0u, Geteuid()); // the tests run as root: chown below needs it; fail loudly otherwise
        var dir = Path.Combine(_tmp.Path, "e");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        Run("chown", $"65534 {dir}");
        Assert.Equal("65534", Run("stat", $"-c %u {dir}").Trim());
        Assert.Equal($"relay: cert cache dir has insecure permissions (must be 0700): {dir} (mode 755)",
            CertCacheDirectory.Prepare("relay.test", dir, Logger));
        Assert.Equal("755", Mode(dir));
        Assert.Equal("65534", Run("stat", $"-c %u {dir}").Trim());
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void Group_readable_directory_of_another_uid_reports_its_mode()
    {
        var dir = Path.Combine(_tmp.Path, "g");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1E8); // 0750
        Run("chown", $"65534:65534 {dir}");
        Assert.Equal($"relay: cert cache dir has insecure permissions (must be 0700): {dir} (mode 750)",
            CertCacheDirectory.Prepare("relay.test", dir, Logger));
    }

    [Fact]
    public void Regular_file_is_not_a_directory()
    {
        var file = _tmp.File("plain");
        File.WriteAllText(file, "x");
        Assert.Equal($"relay: cert cache path is not a directory: {file}", CertCacheDirectory.Prepare("relay.test", file, Logger));
    }

    [Fact]
    public void Uninspectable_path_is_a_stat_error()
    {
        var file = _tmp.File("plain2");
        File.WriteAllText(file, "x");
        var below = Path.Combine(file, "certs"); // ENOTDIR: exists neither as missing nor as a directory
        var err = CertCacheDirectory.Prepare("relay.test", below, Logger);
        Assert.StartsWith($"relay: stat cert cache dir {below}: ", err);
        Assert.Contains("ot a directory", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Uncreatable_directory_is_a_create_error()
    {
        // stat says ENOENT, but mkdir under /proc fails.
        var dir = "/proc/self/nonexistent-relay-dir/certs";
        var err = CertCacheDirectory.Prepare("relay.test", dir, Logger);
        Assert.StartsWith($"relay: creating cert cache dir {dir}: ", err);
    }

    public void Dispose() => _tmp.Dispose();

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path) & 0x1FF, 8);

    private static uint Geteuid() => uint.Parse(Run("id", "-u").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static string Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(10_000), $"{file} {args} did not finish");
        Assert.True(p.ExitCode == 0, $"{file} {args} failed: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
