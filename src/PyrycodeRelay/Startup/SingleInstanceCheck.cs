using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Boot step 11, the single-instance self-check (docs/operations.md#single-instance-self-check). The registry lives in process
/// memory, so two replicas would silently split server-id routing; a host-exposed local signal
/// (<c>FLY_APP_NAME</c>) is treated as a multi-instance deploy unless the operator bypasses the check
/// with <c>PYRYCODE_RELAY_SINGLE_INSTANCE=1</c>. Local environment only: no SDK, network or DNS.
/// </summary>
internal static class SingleInstanceCheck
{
    /// <summary>The refusal message.</summary>
    public const string Message = "refusing to start: multi-instance deploy detected";

    /// <summary>The <c>err</c> text.</summary>
    public const string Error =
        "relay: multi-instance deploy detected; set PYRYCODE_RELAY_SINGLE_INSTANCE=1 to bypass";

    /// <summary>The <c>fix</c> hint.</summary>
    public const string Fix =
        "run exactly one replica (for example fly scale count 1); if this deploy really is single-instance or is in a migration window, " +
        "set PYRYCODE_RELAY_SINGLE_INSTANCE=1 in the deploy manifest's environment (e.g. the [env] section of fly.toml)";

    /// <summary>
    /// The decision of docs/operations.md#single-instance-self-check (unset and empty are the same): the bypass is exactly <c>1</c> → pass;
    /// else <paramref name="flyAppName"/> non-empty → multi-instance; else pass.
    /// </summary>
    public static bool IsMultiInstance(string? singleInstance, string? flyAppName) =>
        singleInstance != "1" && !string.IsNullOrEmpty(flyAppName);

    /// <summary>
    /// Runs the check against <paramref name="env"/>; the refusal echoes no environment value. With a shared registry
    /// (<c>--cluster-redis</c>) the multi-instance signals do not refuse: the boot logs <c>single_instance_check
    /// result=shared_registry</c> instead (docs/operations.md#running-a-cluster).
    /// </summary>
    public static BootRefusal? Check(IBootEnvironment env, bool sharedRegistry = false)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (sharedRegistry || !IsMultiInstance(env.GetEnvironmentVariable(EnvVars.SingleInstance), env.GetEnvironmentVariable(EnvVars.FlyAppName)))
        {
            return null;
        }

        return new BootRefusal(Message, 2,
            [F("err", Error), F("bypass_env_var", EnvVars.SingleInstance), F("fix", Fix)],
            l => BootLog.MultiInstanceDetected(l, Error, EnvVars.SingleInstance, Fix));
    }
}
