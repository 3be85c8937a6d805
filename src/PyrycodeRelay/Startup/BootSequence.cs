using Microsoft.Extensions.Logging;
using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Startup;

/// <summary>
/// The boot sequence of operations.md §3, steps 1–14, the <c>push off</c> line of step 16, and step 18.
/// The first refusal logs one ERROR line and ends the boot with its exit code. Steps 15, 17 and
/// 19–24 belong to the hosting code, which continues from the returned <see cref="BootPlan"/>.
/// </summary>
public static class BootSequence
{
    /// <summary>Logger category of the boot lines.</summary>
    public const string LoggerCategory = "PyrycodeRelay.Startup";

    /// <summary>
    /// Runs the boot checks. Usage errors and help go to <paramref name="stderr"/>, <c>--version</c> to
    /// <paramref name="stdout"/>; log lines go through the factory that <paramref name="createLoggerFactory"/>
    /// builds for a log format (<c>text</c> or <c>json</c>). On a refusal the factory is disposed (flushed).
    /// <paramref name="isValidFcmCredentials"/> is the push sender's credentials parser (default:
    /// <see cref="Push.ServiceAccountKey.IsValid"/>).
    /// </summary>
    public static BootResult Run(
        IReadOnlyList<string> args,
        IBootEnvironment env,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, ILoggerFactory> createLoggerFactory,
        Func<string, bool>? isValidFcmCredentials = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(createLoggerFactory);
        isValidFcmCredentials ??= Push.ServiceAccountKey.IsValid;

        // Steps 1–2: command line, --version.
        var defaults = new RelayOptions { CertCache = RelayOptions.DefaultCertCache(env.GetEnvironmentVariable(EnvVars.Home)) };
        var commandLine = CommandLine.Parse(args, defaults);
        switch (commandLine.Outcome)
        {
            case CommandLineOutcome.Error:
                stderr.Write(commandLine.Error + "\n");
                CommandLine.WriteUsage(stderr, defaults);
                stderr.Flush();
                return BootResult.Exit(2);
            case CommandLineOutcome.Help:
                CommandLine.WriteUsage(stderr, defaults);
                stderr.Flush();
                return BootResult.Exit(0);
            case CommandLineOutcome.Version:
                stdout.Write(RelayVersion.Current + "\n");
                stdout.Flush();
                return BootResult.Exit(0);
            default:
                break;
        }

        var options = commandLine.Options;
        var set = commandLine.ExplicitlySet;

        // Step 3: --log-format, then the logger (a bad format is reported in text format).
        if (FlagRules.CheckLogFormat(options) is { } logFormatRefusal)
        {
            return Refuse(logFormatRefusal, createLoggerFactory("text"));
        }

        var factory = createLoggerFactory(options.LogFormat);
        var logger = factory.CreateLogger(LoggerCategory);

        // Steps 4–14.
        var production = ProductionChecks.IsProduction(env);
        var refusal = ModeChecks.SelectMode(options, out var mode)
            ?? ModeChecks.CheckInsecureListenerFlags(mode, set)
            ?? ModeChecks.CheckInsecureTlsFlags(mode, set)
            ?? FlagRules.CheckMaxConnections(options)
            ?? FlagRules.CheckValueRules(options)
            ?? TlsChecks.Check(mode, options, set)
            ?? EnvConfigValidator.Validate(env, isValidFcmCredentials)
            ?? SingleInstanceCheck.Check(env)
            ?? ProductionChecks.CheckInsecureListener(production, options.InsecureListen)
            ?? ProductionChecks.CheckRoot(production, env.EffectiveUid)
            ?? LinuxCapabilities.Check(env);
        if (refusal is not null)
        {
            return Refuse(refusal, factory);
        }

        if (env.OperatingSystem != "linux")
        {
            BootLog.SkippingCapabilityCheck(logger, env.OperatingSystem);
        }

        // Step 16 (announcement only; the hosting code builds the sender).
        var credentials = env.GetEnvironmentVariable(EnvVars.FcmCredentials);
        if (credentials is null)
        {
            BootLog.PushOff(logger);
        }

        // Step 18.
        if (MetricsListenCheck.Check(options.MetricsListen, out var metrics) is { } metricsRefusal)
        {
            return Refuse(metricsRefusal, factory);
        }

        return BootResult.Run(new BootPlan
        {
            Options = options,
            ExplicitlySet = set,
            Mode = mode,
            Production = production,
            Metrics = metrics,
            FcmCredentials = credentials,
            Version = RelayVersion.Current,
            LoggerFactory = factory,
            Logger = logger,
        });
    }

    private static BootResult Refuse(BootRefusal refusal, ILoggerFactory factory)
    {
        refusal.Log(factory.CreateLogger(LoggerCategory));
        factory.Dispose();
        return BootResult.Exit(refusal.ExitCode, refusal);
    }
}
