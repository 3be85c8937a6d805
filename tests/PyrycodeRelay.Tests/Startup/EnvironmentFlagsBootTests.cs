using Microsoft.Extensions.Logging;
using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

/// <summary>Flags from <c>PYRYCODE_RELAY_&lt;FLAG&gt;</c> (docs/operations.md#flags-from-the-environment), in process.</summary>
public class EnvironmentFlagsBootTests
{
    private static readonly string[] Insecure = ["--insecure-listen", "127.0.0.1:8080"];

    [Theory]
    [InlineData("max-connections", "PYRYCODE_RELAY_MAX_CONNECTIONS")]
    [InlineData("proxy-protocol-trusted-cidrs", "PYRYCODE_RELAY_PROXY_PROTOCOL_TRUSTED_CIDRS")]
    [InlineData("log-level", "PYRYCODE_RELAY_LOG_LEVEL")]
    public void The_variable_is_the_prefix_and_the_flag_in_upper_case_with_underscores(string flag, string variable) =>
        Assert.Equal(variable, EnvironmentFlags.VariableFor(flag));

    [Fact]
    public void Every_variable_is_distinct_and_none_is_one_of_the_fixed_switches()
    {
        var names = FlagTable.All.Where(EnvironmentFlags.HasVariable).Select(f => EnvironmentFlags.VariableFor(f.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(EnvVars.Production, names);
        Assert.DoesNotContain(EnvVars.SingleInstance, names);
        Assert.DoesNotContain(EnvVars.FcmCredentials, names);
        Assert.False(EnvironmentFlags.HasVariable(Flag("version")));
        Assert.False(EnvironmentFlags.HasVariable(Flag("check-config")));
    }

    [Fact]
    public void Each_flag_kind_binds_from_its_variable_and_counts_as_explicitly_set()
    {
        var env = new Dictionary<string, string>
        {
            ["PYRYCODE_RELAY_MAX_CONNECTIONS"] = "77",
            ["PYRYCODE_RELAY_GRACE_PERIOD"] = "1500ms",
            ["PYRYCODE_RELAY_TRUST_X_FORWARDED_FOR"] = "true",
            ["PYRYCODE_RELAY_METRICS_LISTEN"] = "",
            ["PYRYCODE_RELAY_VERSION"] = "true", // action flags have no variable: ignored
        };
        var error = EnvironmentFlags.Apply(n => env.GetValueOrDefault(n), new RelayOptions(), new HashSet<string>(), out var o, out var set);
        Assert.Null(error);
        Assert.Equal((77, TimeSpan.FromMilliseconds(1500), true, ""), (o.MaxConnections, o.GracePeriod, o.TrustXForwardedFor, o.MetricsListen));
        Assert.Equal(["grace-period", "max-connections", "metrics-listen", "trust-x-forwarded-for"], set.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_bad_value_is_one_usage_line_naming_the_variable_and_the_flag()
    {
        var error = EnvironmentFlags.Apply(n => n == "PYRYCODE_RELAY_GRACE_PERIOD" ? "5" : null, new RelayOptions(), new HashSet<string>(), out _, out _);
        Assert.Equal("invalid value \"5\" for PYRYCODE_RELAY_GRACE_PERIOD (--grace-period): parse error", error);
    }

    [Fact]
    public void The_command_line_wins_and_its_variable_is_not_even_read()
    {
        var env = new FakeBootEnvironment().With("PYRYCODE_RELAY_MAX_CONNECTIONS", "not-a-number").With("PYRYCODE_RELAY_PHONES_PER_SERVER", "3");
        var result = BootSequence.Run([.. Insecure, "--max-connections", "9"], env, TextWriter.Null, TextWriter.Null, new CapturingLoggerProvider().CreateFactory, _ => true);
        Assert.True(result.ShouldRun);
        Assert.Equal((9, 3), (result.Plan.Options.MaxConnections, result.Plan.Options.PhonesPerServer));
        Assert.Equal("flag", result.Plan.Sources.SourceOf("max-connections"));
        Assert.Equal("env", result.Plan.Sources.SourceOf("phones-per-server"));
        Assert.Equal("default", result.Plan.Sources.SourceOf("grace-period"));
        Assert.DoesNotContain("PYRYCODE_RELAY_MAX_CONNECTIONS", env.Reads);
        result.Plan.LoggerFactory.Dispose();
    }

    [Fact]
    public void A_bad_variable_exits_2_with_the_line_and_the_help_hint()
    {
        var env = new FakeBootEnvironment().With("PYRYCODE_RELAY_MAX_CONNECTIONS", "lots");
        using var stderr = new StringWriter();
        var result = BootSequence.Run(Insecure, env, TextWriter.Null, stderr, new CapturingLoggerProvider().CreateFactory, _ => true);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("invalid value \"lots\" for PYRYCODE_RELAY_MAX_CONNECTIONS (--max-connections): parse error\nRun 'pyrycode-relay --help' for usage.\n", stderr.ToString());
    }

    [Fact]
    public void A_variable_counts_as_explicitly_set_for_the_insecure_mode_exclusions()
    {
        var env = new FakeBootEnvironment().With("PYRYCODE_RELAY_HTTPS_LISTEN", ":8443");
        var capture = new CapturingLoggerProvider();
        var result = BootSequence.Run(Insecure, env, TextWriter.Null, TextWriter.Null, capture.CreateFactory, _ => true);
        Assert.Equal(2, result.ExitCode);
        var refusal = Assert.Single(capture.Entries, e => e.Level == LogLevel.Error);
        Assert.StartsWith("refusing to start: --insecure-listen is mutually exclusive with --http-listen", refusal.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_documented_table_lists_every_flag_variable_and_nothing_else()
    {
        var doc = File.ReadAllLines(Path.Combine(PyrycodeRelay.Tests.Observability.Metrics.DashboardTests.RepoRoot(), "docs", "operations.md"));
        var rows = doc.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^\\| `--[a-z-]+` \\| `PYRYCODE_RELAY_[A-Z_]+` \\|$"))
            .Select(l => l.Split('`')).Select(p => (Flag: p[1][2..], Variable: p[3])).ToList();
        var expected = FlagTable.All.Where(EnvironmentFlags.HasVariable).Select(f => (Flag: f.Name, Variable: EnvironmentFlags.VariableFor(f.Name))).ToList();
        Assert.Equal(expected.Order(), rows.Order());
    }

    private static Flag Flag(string name) => FlagTable.TryGet(name, out var f) ? f : throw new ArgumentException(name);
}
