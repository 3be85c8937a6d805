namespace PyrycodeRelay.Startup;

/// <summary>The environment variables of docs/operations.md#environment-variables. No other variable is read.</summary>
internal static class EnvVars
{
    /// <summary>Production mode switch: exactly <c>1</c> or unset.</summary>
    public const string Production = "PYRYCODE_RELAY_PRODUCTION";

    /// <summary>Single-instance self-check bypass: exactly <c>1</c> or unset. The name is fixed.</summary>
    public const string SingleInstance = "PYRYCODE_RELAY_SINGLE_INSTANCE";

    /// <summary>The whole Google service-account JSON key; unset means push off.</summary>
    public const string FcmCredentials = "PYRYCODE_RELAY_FCM_CREDENTIALS";

    /// <summary>Cluster mode: the Redis password (optional; empty means none). A secret: never logged or echoed.</summary>
    public const string RedisPassword = "PYRYCODE_RELAY_REDIS_PASSWORD";

    /// <summary>Set by Fly.io; any non-empty value is the multi-instance signal.</summary>
    public const string FlyAppName = "FLY_APP_NAME";

    /// <summary>Only for the default <c>--cert-cache</c>.</summary>
    public const string Home = "HOME";

    /// <summary>Set by systemd for <c>Type=notify</c>; read by <see cref="Hosting.ServiceManagerNotifier"/>.</summary>
    public const string NotifySocket = "NOTIFY_SOCKET";
}
