using PyrycodeRelay.GoCompat;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Boot step 10, the env-config validator (docs/operations.md#env-config-validator): a fixed table walked in order, the
/// first failure stops the walk. Unset variables are skipped; set ones (even empty) are validated.
/// Variables outside the table are never inspected.
/// </summary>
internal static class EnvConfigValidator
{
    /// <summary>The refusal message.</summary>
    public const string Message = "refusing to start: invalid env-var config";

    /// <summary>Reason text for a bad credentials value; the value itself is never shown.</summary>
    public const string CredentialsReasonText = "not a service-account JSON key (value withheld)";

    /// <summary>
    /// Walks the table: <c>PYRYCODE_RELAY_PRODUCTION</c>, <c>PYRYCODE_RELAY_SINGLE_INSTANCE</c>
    /// (exactly <c>1</c>), <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> (<paramref name="isValidFcmCredentials"/>,
    /// the push sender's parser). Returns null when every row passes.
    /// </summary>
    public static BootRefusal? Validate(IBootEnvironment env, Func<string, bool> isValidFcmCredentials)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(isValidFcmCredentials);
        if (FindFailure(env, isValidFcmCredentials) is not { } failure)
        {
            return null;
        }

        var (variable, reason) = failure;
        var err = $"relay: invalid env-var config: {variable}: {reason}";
        return new BootRefusal(Message, 2, [F("err", err), F("env_var", variable), F("reason", reason)],
            l => BootLog.InvalidEnvConfig(l, err, variable, reason));
    }

    /// <summary>The first failing row as (variable, reason), or null.</summary>
    public static (string Variable, string Reason)? FindFailure(IBootEnvironment env, Func<string, bool> isValidFcmCredentials)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(isValidFcmCredentials);
        foreach (var name in (string[])[EnvVars.Production, EnvVars.SingleInstance])
        {
            var value = env.GetEnvironmentVariable(name);
            if (value is not null && value != "1")
            {
                return (name, $"malformed-value: expected \"1\" or unset, got {GoQuote.Quote(value)}");
            }
        }

        var credentials = env.GetEnvironmentVariable(EnvVars.FcmCredentials);
        if (credentials is not null && !SafeIsValid(isValidFcmCredentials, credentials))
        {
            return (EnvVars.FcmCredentials, "malformed-value: " + CredentialsReasonText);
        }

        return null;
    }

    // A parser that throws counts as a rejection; its exception (which might quote the value) is dropped.
    private static bool SafeIsValid(Func<string, bool> isValid, string value)
    {
        try
        {
            return isValid(value);
        }
#pragma warning disable CA1031 // the value must never leak through an exception message
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
