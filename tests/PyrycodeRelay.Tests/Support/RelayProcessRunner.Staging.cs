namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Where the relay is run from. Run as another user (uid 65534), the relay must be able to reach its own files:
/// a checkout under a private directory (mode 0700, e.g. a home directory) hides the build output from that user
/// and the runtime fails with a cryptic <c>realpath … Permission denied</c>. So such runs use a copy of the relay's
/// build output in a world-readable temporary directory, and fail with one clear line when the .NET runtime itself
/// is out of that user's reach.
/// </summary>
internal sealed partial class RelayProcessRunner
{
    private const string RelayDll = "pyrycode-relay.dll";

    private static readonly Lock StageLock = new();
    private static string? _staged;

    /// <summary>The relay's build output copied to a world-readable temporary directory (once per test run).</summary>
    private static string StagedRelay(string dotnet)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the relay runs as another uid on Linux only");
        }

        AssertReachableByOthers(ResolveLinks(dotnet), "the .NET runtime", "install .NET where other users can read it (e.g. /usr/share/dotnet)");
        lock (StageLock)
        {
            if (_staged is not null)
            {
                return _staged;
            }

            var dir = Path.Combine(Path.GetTempPath(), "pyrycode-relay-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "pyrycode-relay.*").Concat(RuntimeDependencies()))
            {
                var copy = Path.Combine(dir, Path.GetFileName(file));
                File.Copy(file, copy);
                File.SetUnixFileMode(copy, (UnixFileMode)0b110_100_100);
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            };
            var dll = Path.Combine(dir, RelayDll);
            AssertReachableByOthers(dll, "the relay staged in TMPDIR", "set TMPDIR to a directory other users can reach (e.g. /tmp)");
            return _staged = dll;
        }
    }

    /// <summary>Fails with one line naming the directory when <paramref name="path"/> is out of other users' reach.</summary>
    private static void AssertReachableByOthers(string path, string what, string fix)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the relay runs as another uid on Linux only");
        }

        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                Assert.Fail($"this test runs the relay as uid 65534, which cannot reach {what} at {path}: {dir} is mode " +
                    $"{Convert.ToString((int)File.GetUnixFileMode(dir), 8)}: chmod o+x {dir}, or {fix}");
            }
        }

        Assert.True((File.GetUnixFileMode(path) & UnixFileMode.OtherRead) != 0, $"this test runs the relay as uid 65534, which cannot read {what} at {path}: {fix}");
    }

    private static string ResolveLinks(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Which(path);
        return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;

    private static string DotnetPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>The relay's own NuGet runtime assemblies (pyrycode-relay.deps.json), e.g. StackExchange.Redis.dll.</summary>
    private static IEnumerable<string> RuntimeDependencies()
    {
        using var deps = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "pyrycode-relay.deps.json")));
        foreach (var target in deps.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (!library.Value.TryGetProperty("runtime", out var runtime))
                {
                    continue;
                }

                foreach (var assembly in runtime.EnumerateObject())
                {
                    var file = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(assembly.Name));
                    if (File.Exists(file) && !Path.GetFileName(file).StartsWith("pyrycode-relay.", StringComparison.Ordinal))
                    {
                        yield return file;
                    }
                }
            }
        }
    }
}
