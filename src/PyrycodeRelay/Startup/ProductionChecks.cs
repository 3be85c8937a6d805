using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>Boot steps 12–13, production mode (docs/operations.md#production-mode): on iff <c>PYRYCODE_RELAY_PRODUCTION</c> is exactly <c>1</c>.</summary>
internal static class ProductionChecks
{
    /// <summary>The refusal message of both checks.</summary>
    public const string Message = "refusing to start: production-mode misconfiguration";

    /// <summary><c>err</c> of step 12.</summary>
    public const string InsecureError = "relay: --insecure-listen is set with PYRYCODE_RELAY_PRODUCTION=1; refusing to start";

    /// <summary><c>err</c> of step 13.</summary>
    public const string RootError = "relay: effective uid is 0 with PYRYCODE_RELAY_PRODUCTION=1; refusing to start";

    private const string InsecureFix =
        "in production let the relay terminate TLS with --domain instead of --insecure-listen, or unset PYRYCODE_RELAY_PRODUCTION outside production";

    private const string RootFix =
        "run the relay as a non-root user (e.g. USER in the Dockerfile); grant only CAP_NET_BIND_SERVICE if it must bind ports below 1024";

    /// <summary>True when production mode is on.</summary>
    public static bool IsProduction(IBootEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.GetEnvironmentVariable(EnvVars.Production) == "1";
    }

    /// <summary>Step 12: production mode with a non-empty <c>--insecure-listen</c>.</summary>
    public static BootRefusal? CheckInsecureListener(bool production, string insecureListen)
    {
        ArgumentNullException.ThrowIfNull(insecureListen);
        if (!production || insecureListen.Length == 0)
        {
            return null;
        }

        return new BootRefusal(Message, 2,
            [F("err", InsecureError), F("env_var", EnvVars.Production), F("fix", InsecureFix)],
            l => BootLog.ProductionInsecureListener(l, InsecureError, EnvVars.Production, InsecureFix));
    }

    /// <summary>Step 13: production mode with effective uid 0 (no check where there are no uids).</summary>
    public static BootRefusal? CheckRoot(bool production, int? effectiveUid)
    {
        if (!production || effectiveUid != 0)
        {
            return null;
        }

        const int Uid = 0;
        return new BootRefusal(Message, 2,
            [F("err", RootError), F("env_var", EnvVars.Production), F("effective_uid", Uid), F("fix", RootFix)],
            l => BootLog.WithUid.ProductionRunningAsRoot(l, RootError, EnvVars.Production, Uid, RootFix));
    }
}
