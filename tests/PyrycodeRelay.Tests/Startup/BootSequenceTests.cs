using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Cli;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class BootSequenceTests
{
    private static readonly string[] Insecure = ["--insecure-listen", "127.0.0.1:8080"];

    private sealed class Run
    {
        public Run(string[] args, FakeBootEnvironment? env = null, Func<string, bool>? fcm = null)
        {
            Env = env ?? new FakeBootEnvironment();
            Result = BootSequence.Run(args, Env, Stdout, Stderr, Capture.CreateFactory, fcm);
        }

        public FakeBootEnvironment Env { get; }

        public CapturingLoggerProvider Capture { get; } = new();

        public StringWriter Stdout { get; } = new();

        public StringWriter Stderr { get; } = new();

        public BootResult Result { get; }

        public IReadOnlyList<LogEntry> Events => Capture.Entries;

        public LogEntry Refusal
        {
            get
            {
                Assert.False(Result.ShouldRun);
                Assert.Equal(2, Result.ExitCode);
                var e = Assert.Single(Events, e => e.Level == LogLevel.Error);
                Assert.Equal(Result.Refusal!.Message, e.Name);
                Assert.True(Capture.FactoryDisposed);
                return e;
            }
        }
    }

    [Fact]
    public void Help_prints_usage_on_stdout_and_exits_0()
    {
        var run = new Run(["--domain", "x", "-h"]);
        Assert.False(run.Result.ShouldRun);
        Assert.Equal(0, run.Result.ExitCode);
        Assert.StartsWith("Usage: pyrycode-relay [flags]\n", run.Stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal("", run.Stderr.ToString());
        Assert.Empty(run.Capture.FormatsRequested);
    }

    [Fact]
    public void Usage_error_prints_one_line_and_a_help_hint_and_exits_2()
    {
        var run = new Run(["--max-connections", "abc"]);
        Assert.Equal(2, run.Result.ExitCode);
        Assert.Equal("invalid value \"abc\" for flag -max-connections: parse error\nRun 'pyrycode-relay --help' for usage.\n", run.Stderr.ToString());
        Assert.Equal("", run.Stdout.ToString());
        Assert.Empty(run.Capture.FormatsRequested);
    }

    [Fact]
    public void Usage_shows_the_cert_cache_default_from_home()
    {
        var run = new Run(["--help"], new FakeBootEnvironment().With("HOME", "/home/op"));
        Assert.Contains("(default \"/home/op/.pyrycode-relay/certs\")", run.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Version_runs_before_any_check()
    {
        var env = new FakeBootEnvironment { ProcSelfStatus = FakeBootEnvironment.StatusWithCapEff("1ffffffffff") }
            .With("FLY_APP_NAME", "x").With("PYRYCODE_RELAY_PRODUCTION", "yes");
        var run = new Run(["--version", "--log-format", "xml"], env);
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal("0.1.0 (commit " + RelayVersion.Commit + ")\n", run.Stdout.ToString());
        Assert.Equal("", run.Stderr.ToString());
        Assert.Empty(run.Capture.FormatsRequested);
        Assert.DoesNotContain(env.Reads, r => r != "HOME");
    }

    [Fact]
    public void Bad_log_format_is_reported_in_text_format()
    {
        var run = new Run(["--log-format", "xml"]);
        var e = run.Refusal;
        Assert.Equal("refusing to start: invalid --log-format", e.Name);
        Assert.Equal(["text"], run.Capture.FormatsRequested);
        Assert.Equal("relay: --log-format must be text or json, got \"xml\"", e["err"]);
        Assert.Equal("xml", e["value"]);
    }

    [Fact]
    public void Json_log_format_builds_a_json_logger()
    {
        var run = new Run([.. Insecure, "--log-format=json"]);
        Assert.True(run.Result.ShouldRun);
        Assert.Equal(["json"], run.Capture.FormatsRequested);
    }

    [Fact]
    public void Successful_insecure_boot_returns_the_plan_and_logs_push_off()
    {
        var run = new Run([.. Insecure, "--grace-period", "1500ms"], new FakeBootEnvironment().With("HOME", "/h"));
        Assert.True(run.Result.ShouldRun);
        var plan = run.Result.Plan;
        Assert.Equal(RelayMode.Insecure, plan.Mode);
        Assert.False(plan.Production);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), plan.Options.GracePeriod);
        Assert.Equal("/h/.pyrycode-relay/certs", plan.Options.CertCache);
        Assert.Equal(new HashSet<string> { "insecure-listen", "grace-period" }, plan.ExplicitlySet);
        Assert.Equal(9090, plan.Metrics!.Port);
        Assert.Null(plan.FcmKey);
        Assert.Equal("0.1.0", plan.Version);
        Assert.False(run.Capture.FactoryDisposed);
        var e = Assert.Single(run.Events);
        Assert.Equal((LogLevel.Information, "push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset"), (e.Level, e.Name));
        Assert.Empty(e.Fields);
        Assert.Equal("", run.Stdout.ToString() + run.Stderr);
    }

    [Fact]
    public void Inline_transport_io_is_on_unless_the_operator_turns_inline_socket_completions_off()
    {
        Assert.True(new Run(Insecure).Result.Plan!.Options.TransportInline);
        Assert.True(new Run(Insecure, new FakeBootEnvironment().With("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1")).Result.Plan!.Options.TransportInline);
        Assert.False(new Run(Insecure, new FakeBootEnvironment().With("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "0")).Result.Plan!.Options.TransportInline);
    }

    [Fact]
    public void Cert_cache_default_is_relative_without_home()
    {
        var run = new Run(Insecure);
        Assert.Equal(Path.Combine(".pyrycode-relay", "certs"), run.Result.Plan!.Options.CertCache);
    }

    [Fact]
    public void Push_on_skips_the_push_off_line_and_carries_the_key()
    {
        var run = new Run(Insecure, new FakeBootEnvironment().With("PYRYCODE_RELAY_FCM_CREDENTIALS", BootFcmCredentialsTests.Key(email: "k@p.test")));
        Assert.True(run.Result.ShouldRun);
        Assert.Equal("k@p.test", run.Result.Plan.FcmKey?.ClientEmail);
        Assert.Empty(run.Events);
    }

    [Fact]
    public void Step_16_refuses_credentials_the_push_sender_cannot_use_with_exit_2_before_step_18()
    {
        // The env validator of step 10 accepts "KEY" here; building the sender's key at step 16 cannot.
        var env = new FakeBootEnvironment().With("PYRYCODE_RELAY_FCM_CREDENTIALS", "KEY");
        var run = new Run([.. Insecure, "--metrics-listen", "localhost:9090"], env, _ => true);
        var e = run.Refusal;
        Assert.Equal("refusing to start: cannot build the FCM push sender", e.Name);
        Assert.Equal(["err"], e.Keys);
        Assert.Equal("relay: fcm credentials are not a service-account JSON key", e["err"]);
        Assert.Single(run.Events);
    }

    [Fact]
    public void Step_16_refusal_is_one_exact_text_line_and_exit_2()
    {
        var env = new FakeBootEnvironment().With("PYRYCODE_RELAY_FCM_CREDENTIALS", "KEY");
        using var output = new MemoryStream();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var result = BootSequence.Run(Insecure, env, TextWriter.Null, TextWriter.Null,
            format => RelayLogging.CreateFactory(format, output, time), _ => true);
        Assert.False(result.ShouldRun);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "time=2026-01-02T03:04:05.000Z level=ERROR msg=\"refusing to start: cannot build the FCM push sender\" " +
            "err=\"relay: fcm credentials are not a service-account JSON key\"\n",
            Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void Default_credentials_parser_is_the_provisional_one()
    {
        var good = new Run(Insecure, new FakeBootEnvironment().With("PYRYCODE_RELAY_FCM_CREDENTIALS", BootFcmCredentialsTests.Key()));
        Assert.True(good.Result.ShouldRun);
        var bad = new Run(Insecure, new FakeBootEnvironment().With("PYRYCODE_RELAY_FCM_CREDENTIALS", "{\"type\":\"MARKER\"}"));
        Assert.Equal("PYRYCODE_RELAY_FCM_CREDENTIALS", bad.Refusal["env_var"]);
    }

    [Fact]
    public void Other_operating_systems_log_the_skip_line_and_ignore_proc()
    {
        var env = new FakeBootEnvironment { OperatingSystem = "darwin", ProcSelfStatusError = new IOException("none") };
        var run = new Run(Insecure, env);
        Assert.True(run.Result.ShouldRun);
        Assert.Equal(["skipping linux-only capability check on darwin", "push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset"], run.Events.Select(e => e.Name));
        Assert.All(run.Events, e => Assert.Equal(LogLevel.Information, e.Level));
    }

    [Fact]
    public void Tls_modes_are_selected()
    {
        Assert.Equal(RelayMode.TlsAcme, new Run(["--domain", "relay.test"]).Result.Plan!.Mode);
        Assert.Equal(RelayMode.TlsStatic, new Run(["--domain", "relay.test", "--tls-cert-file", "c", "--tls-key-file", "k"]).Result.Plan!.Mode);
    }

    [Fact]
    public void Production_tls_boot_as_non_root_passes()
    {
        var run = new Run(["--domain", "relay.test"], new FakeBootEnvironment { EffectiveUid = 65534 }.With("PYRYCODE_RELAY_PRODUCTION", "1"));
        Assert.True(run.Result.ShouldRun);
        Assert.True(run.Result.Plan.Production);
    }

    [Fact]
    public void Production_tls_boot_as_root_is_refused_with_uid()
    {
        var run = new Run(["--domain", "relay.test"], new FakeBootEnvironment { EffectiveUid = 0 }.With("PYRYCODE_RELAY_PRODUCTION", "1"));
        var e = run.Refusal;
        Assert.Equal("refusing to start: production-mode misconfiguration", e.Name);
        Assert.Equal(["err", "env_var", "effective_uid", "fix"], e.Keys);
        Assert.Equal(0, e.Value("effective_uid"));
    }

    [Fact]
    public void Metrics_refusal_comes_after_the_push_off_line()
    {
        var run = new Run([.. Insecure, "--metrics-listen", "localhost:9090"]);
        Assert.Equal(["push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", "refusing to start: invalid --metrics-listen address"], run.Events.Select(e => e.Name));
        Assert.Equal("localhost:9090", run.Refusal["value"]);
    }

    [Fact]
    public void Empty_metrics_listen_disables_metrics()
    {
        var run = new Run([.. Insecure, "--metrics-listen="]);
        Assert.True(run.Result.ShouldRun);
        Assert.Null(run.Result.Plan.Metrics);
    }

    public static TheoryData<string, string[], EnvSetup> Precedence => new()
    {
        { "refusing to start: invalid --log-format", ["--log-format", "xml", "--max-connections", "0"], new(_ => { }) },
        { "either --domain (for autocert) or --insecure-listen (for behind-proxy mode) must be set", ["--max-connections", "0"], new(e => e.With("FLY_APP_NAME", "x")) },
        { "refusing to start: --insecure-listen is mutually exclusive with --http-listen / --https-listen / --https-proxy-protocol", [.. Insecure, "--https-proxy-protocol=false", "--tls-cert-file", "c"], new(_ => { }) },
        { "refusing to start: --insecure-listen is mutually exclusive with TLS and PROXY-protocol flags", [.. Insecure, "--acme-email", "a@b", "--max-connections", "0"], new(_ => { }) },
        { "refusing to start: invalid --max-connections", [.. Insecure, "--max-connections", "-1", "--grace-period", "0s"], new(_ => { }) },
        { "refusing to start: invalid --grace-period", ["--domain", "d", "--grace-period", "0s", "--tls-cert-file", "c"], new(_ => { }) },
        { "refusing to start: invalid TLS configuration", ["--domain", "d", "--tls-cert-file", "c"], new(e => e.With("PYRYCODE_RELAY_PRODUCTION", "yes")) },
        { "refusing to start: invalid env-var config", Insecure, new(e => e.With("FLY_APP_NAME", "x").With("PYRYCODE_RELAY_SINGLE_INSTANCE", "true")) },
        { "refusing to start: multi-instance deploy detected", Insecure, new(e => e.With("FLY_APP_NAME", "x").With("PYRYCODE_RELAY_PRODUCTION", "1")) },
        { "refusing to start: production-mode misconfiguration", Insecure, new(e => { e.EffectiveUid = 0; e.ProcSelfStatus = "CapEff:\t1ffffffffff\n"; e.With("PYRYCODE_RELAY_PRODUCTION", "1"); }) },
        { "refusing to start: unexpected Linux capabilities", [.. Insecure, "--metrics-listen", ":9090"], new(e => e.ProcSelfStatus = "CapEff:\t0000000000200000\n") },
    };

    [Theory]
    [MemberData(nameof(Precedence))]
    public void The_first_refusal_in_boot_order_wins(string expected, string[] args, EnvSetup setup)
    {
        var env = new FakeBootEnvironment();
        setup.Apply(env);
        var run = new Run(args, env);
        Assert.Equal(expected, run.Refusal.Name);
        Assert.DoesNotContain(run.Events, e => e.Name!.StartsWith("push off", StringComparison.Ordinal));
    }

    [Fact]
    public void Production_insecure_listener_is_refused_before_the_root_check()
    {
        var run = new Run(Insecure, new FakeBootEnvironment { EffectiveUid = 0 }.With("PYRYCODE_RELAY_PRODUCTION", "1"));
        var e = run.Refusal;
        Assert.Equal(["err", "env_var", "fix"], e.Keys);
        Assert.Equal("relay: --insecure-listen is set with PYRYCODE_RELAY_PRODUCTION=1; refusing to start", e["err"]);
    }

    [Fact]
    public void Explicit_insecure_exclusions_ignore_defaults_and_unrelated_flags()
    {
        var run = new Run([.. Insecure, "--domain", "d", "--cert-cache", "/c", "--trust-x-forwarded-for", "--fcm-base-url", "http://127.0.0.1:1"]);
        Assert.True(run.Result.ShouldRun);
    }

    /// <summary>A change to the fake environment, as theory data (the environment type is internal).</summary>
    public sealed class EnvSetup
    {
        private readonly Action<FakeBootEnvironment> _apply;

        internal EnvSetup(Action<FakeBootEnvironment> apply) => _apply = apply;

        internal void Apply(FakeBootEnvironment env) => _apply(env);
    }
}
