using Microsoft.Extensions.Logging;
using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Startup;

/// <summary>
/// The boot sequence of docs/operations.md#boot-sequence, in one place: <see cref="Run"/> runs steps 1–18 (checks only, nothing
/// is bound) and returns a <see cref="BootPlan"/>; <see cref="ServeAsync"/> runs steps 19–24 from it (certificate
/// source, listener checks, announcements, then <see cref="Hosting.ServingLifecycle"/> binds, serves and drains). The first refusal
/// logs one ERROR line and ends the boot with its exit code. Steps 15, 17 and 19 build in-memory state only
/// (start time, registry, metrics, rate limiter, routes): <see cref="Hosting.RelayHost"/> builds it at step 24.
/// </summary>
internal static partial class BootSequence
{
    /// <summary>Logger category of the boot lines.</summary>
    public const string LoggerCategory = "PyrycodeRelay.Startup";

    /// <summary>
    /// Runs boot steps 1–18. Usage errors and help go to <paramref name="stderr"/>, <c>--version</c> to
    /// <paramref name="stdout"/>; log lines go through the factory that <paramref name="createLoggerFactory"/>
    /// builds for a log format (<c>text</c> or <c>json</c>). On a refusal the factory is disposed (flushed).
    /// <paramref name="isValidFcmCredentials"/> is the env validator's credentials check (step 10; default:
    /// <see cref="ServiceAccountKey.IsValid"/>); step 16 builds the push sender's key with <see cref="ServiceAccountKey.TryParse"/>.
    /// </summary>
    public static BootResult Run(
        IReadOnlyList<string> args,
        IBootEnvironment env,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, ILoggerFactory> createLoggerFactory,
        Func<string, bool>? isValidFcmCredentials = null)
    {
        ArgumentNullException.ThrowIfNull(createLoggerFactory);
        return Run(args, env, stdout, stderr, (format, _) => createLoggerFactory(format), isValidFcmCredentials);
    }

    /// <summary>
    /// As <see cref="Run(IReadOnlyList{string}, IBootEnvironment, TextWriter, TextWriter, Func{string, ILoggerFactory}, Func{string, bool}?)"/>,
    /// with a factory that also takes the <c>--log-level</c> minimum level.
    /// </summary>
    public static BootResult Run(
        IReadOnlyList<string> args,
        IBootEnvironment env,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, LogLevel, ILoggerFactory> createLoggerFactory,
        Func<string, bool>? isValidFcmCredentials = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(createLoggerFactory);
        isValidFcmCredentials ??= ServiceAccountKey.IsValid;

        // Steps 1–2: command line, --version.
        var defaults = new RelayOptions { CertCache = RelayOptions.DefaultCertCache(env.GetEnvironmentVariable(EnvVars.Home)) };
        var commandLine = CommandLine.Parse(args, defaults);
        switch (commandLine.Outcome)
        {
            case CommandLineOutcome.Error:
                return UsageError(stderr, commandLine.Error!);
            case CommandLineOutcome.Help:
                CommandLine.WriteUsage(stdout, defaults);
                stdout.Flush();
                return BootResult.Exit(0);
            case CommandLineOutcome.Version:
                stdout.Write(RelayVersion.Line + "\n");
                stdout.Flush();
                return BootResult.Exit(0);
            default:
                break;
        }

        // Flags from the environment (PYRYCODE_RELAY_<FLAG>), under the command line: a flag given there wins and
        // its variable is not even read. Then the command line again, on top of them.
        if (EnvironmentFlags.Apply(name => env.GetEnvironmentVariable(name), defaults, commandLine.ExplicitlySet,
                out var fromEnvironment, out var environmentSet) is { } environmentError)
        {
            return UsageError(stderr, environmentError);
        }

        commandLine = CommandLine.Parse(args, fromEnvironment);
        var sources = new ConfigSources(commandLine.ExplicitlySet, environmentSet);
        var options = commandLine.Options with
        {
            TransportInline = env.GetEnvironmentVariable(Hosting.InlineIo.CompletionsVariable) != "0", // the operator's opt-out of inline I/O
        };
        var set = sources.ExplicitlySet;

        // Step 3: --log-format, then the logger (a bad format is reported in text format).
        if ((FlagRules.CheckLogFormat(options) ?? FlagRules.CheckLogLevel(options)) is { } logFormatRefusal)
        {
            return Refuse(logFormatRefusal, createLoggerFactory("text", LogLevel.Information));
        }

        var level = RelayLogging.TryParseLevel(options.LogLevel, out var parsedLevel) ? parsedLevel : LogLevel.Information;
        var factory = createLoggerFactory(options.LogFormat, level);
        var logger = factory.CreateLogger(LoggerCategory);

        // Steps 4–14.
        var production = ProductionChecks.IsProduction(env);
        var refusal = ModeChecks.SelectMode(options, out var mode)
            ?? ModeChecks.CheckInsecureListenerFlags(mode, set)
            ?? ModeChecks.CheckInsecureTlsFlags(mode, set)
            ?? FlagRules.CheckMaxConnections(options)
            ?? FlagRules.CheckValueRules(options)
            ?? FlagRules.CheckShutdownDelay(options)
            ?? TlsChecks.Check(mode, options, set)
            ?? EnvConfigValidator.Validate(env, isValidFcmCredentials)
            ?? SingleInstanceCheck.Check(env, options.ClusterRedis.Length > 0)
            ?? ProductionChecks.CheckInsecureListener(production, options.InsecureListen)
            ?? ProductionChecks.CheckRoot(production, env.EffectiveUid)
            ?? LinuxCapabilities.Check(env);
        if (refusal is not null)
        {
            return Refuse(refusal, factory);
        }

        if (options.ClusterRedis.Length > 0)
        {
            if (options.NodeId.Length == 0)
            {
                options = options with { NodeId = Cluster.NodeIds.NewId() }; // one id per process start
            }

            Cluster.ClusterBootLog.SingleInstanceCheckShared(logger, "shared_registry", options.NodeId);
        }

        if (env.OperatingSystem != "linux")
        {
            BootLog.SkippingCapabilityCheck(logger, env.OperatingSystem);
        }

        // Step 16: the push sender's key (the sender itself needs the host's meters; RelayHost builds it from the key).
        var credentials = env.GetEnvironmentVariable(EnvVars.FcmCredentials);
        ServiceAccountKey? fcmKey = null;
        if (credentials is null)
        {
            BootLog.PushOff(logger);
        }
        else if (!ServiceAccountKey.TryParse(credentials, out fcmKey))
        {
            return Refuse(PushSenderRefusal.Create(ServiceAccountKey.Error), factory);
        }

        // Step 18.
        if (MetricsListenCheck.Check(options.MetricsListen, options.MetricsAllowRemote, out var metrics) is { } metricsRefusal)
        {
            fcmKey?.Dispose();
            return Refuse(metricsRefusal, factory);
        }

        return BootResult.Run(new BootPlan
        {
            Options = options,
            ExplicitlySet = set,
            Mode = mode,
            Production = production,
            Metrics = metrics,
            FcmKey = fcmKey,
            RedisPassword = env.GetEnvironmentVariable(EnvVars.RedisPassword) is { Length: > 0 } password ? password : null,
            Version = RelayVersion.Current,
            LoggerFactory = factory,
            Logger = logger,
            CheckConfigOnly = commandLine.CheckConfig,
            Sources = sources,
        });
    }

    /// <summary>A usage error: the one error line and a hint to <c>--help</c> on stderr (not the whole usage), exit 2.</summary>
    private static BootResult UsageError(TextWriter stderr, string error)
    {
        stderr.Write(error + "\n");
        stderr.Write(CommandLine.HelpHint + "\n");
        stderr.Flush();
        return BootResult.Exit(2);
    }

    private static BootResult Refuse(BootRefusal refusal, ILoggerFactory factory)
    {
        refusal.Log(factory.CreateLogger(LoggerCategory));
        factory.Dispose();
        return BootResult.Exit(refusal.ExitCode, refusal);
    }
}
