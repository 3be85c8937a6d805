namespace PyrycodeRelay.Push;

/// <summary>The handler used when <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> is unset: every wake is refused.</summary>
internal sealed class PushOff : IPushWakeHandler
{
    /// <summary>The refusal text of docs/operations.md#push-admission row 1.</summary>
    public const string Error = "relay: push is off";

    /// <inheritdoc />
    public string? TryAdmit(string serverId, ReadOnlySpan<byte> pushWakeJson) => Error;
}
