namespace PyrycodeRelay.Push;

/// <summary>
/// Receives the <c>push_wake</c> value of a binary's wake envelope (docs/protocol.md#push-wake-requests). Called on the
/// binary's reader: it must return at once and never block. Admission and the FCM exchange are
/// described in docs/operations.md#push-wakes.
/// </summary>
internal interface IPushWakeHandler
{
    /// <summary>
    /// Validates and admits one wake. <paramref name="pushWakeJson"/> is the raw JSON value of the
    /// envelope's <c>push_wake</c> field (the bytes are only valid during the call).
    /// Returns <c>null</c> when the wake was admitted (it then runs asynchronously), otherwise the
    /// refusal text (for example <c>relay: push is off</c>) that the caller logs as
    /// <c>binary_forwarder_push_wake_dropped</c>.
    /// </summary>
    string? TryAdmit(string serverId, ReadOnlySpan<byte> pushWakeJson);
}
