namespace PyrycodeRelay.Tests.Observability.LogHygiene;

/// <summary>Checks everything a relay process wrote against docs/logging.md#keys (keys) and docs/logging.md#never-logged (never logged).</summary>
internal static class OutputScan
{
    /// <summary>The keys docs/logging.md#keys allows besides <c>time</c>, <c>level</c> and <c>msg</c>.</summary>
    public static readonly IReadOnlySet<string> AllowedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "server_id", "conn_id", "binary_conn_id", "device_name", "remote", "binary_version", "err", "path",
        "from", "to", "close_code", "token_fp", "fcm_message_id", "duration", "version", "mode", "listen",
        "domain", "cert_cache", "https_proxy_protocol", "addr", "fix", "env_var", "reason", "value",
        "effective_uid", "unexpected_ports", "expected_ports", "bypass_env_var",
    };

    /// <summary>
    /// Every stderr line parses in <paramref name="format"/>, starts with <c>time</c>, <c>level</c>, <c>msg</c>
    /// and has only allowed keys after them; stdout is empty.
    /// </summary>
    public static void AssertOnlyAllowedKeys(string stdout, IReadOnlyList<string> stderr, string format)
    {
        Assert.Equal("", stdout);
        foreach (var raw in stderr)
        {
            var line = LogfmtLine.Parse(raw, format);
            var keys = line.Keys.ToList();
            Assert.True(keys.Count >= 3 && keys[0] == "time" && keys[1] == "level" && keys[2] == "msg", "line does not start with time, level, msg: " + raw);
            foreach (var key in keys.Skip(3))
            {
                Assert.True(AllowedKeys.Contains(key), $"key '{key}' is not in the docs/logging.md#keys allowlist: {raw}");
            }
        }
    }

    /// <summary>None of <paramref name="secrets"/> occurs anywhere in stdout or stderr (ordinal, case-insensitive).</summary>
    public static void AssertNoneAppears(string stdout, IReadOnlyList<string> stderr, IEnumerable<string> secrets)
    {
        var all = stdout + "\n" + string.Join("\n", stderr);
        foreach (var secret in secrets)
        {
            Assert.False(string.IsNullOrEmpty(secret));
            var at = all.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"'{secret}' appears in the output: ...{all[Math.Max(0, at - 200)..Math.Min(all.Length, at + secret.Length + 100)]}...");
        }
    }
}
