namespace PyrycodeRelay.Push;

/// <summary>How one admitted wake ended: its metric outcome, the error text on failure, the FCM message id on success.</summary>
internal readonly record struct WakeResult(PushOutcome Outcome, string? Error, string? MessageId)
{
    /// <summary>A success, with the valid message id or null.</summary>
    public static WakeResult Sent(string? messageId) => new(PushOutcome.Sent, null, messageId);

    /// <summary>A failure of the given kind.</summary>
    public static WakeResult Failed(PushOutcome outcome, string error) => new(outcome, error, null);
}
