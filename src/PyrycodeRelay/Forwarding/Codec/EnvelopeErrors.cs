namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>The <c>err</c> texts of <c>binary_forwarder_unmarshal_err</c> (docs/logging.md#data-plane-events).</summary>
internal static class EnvelopeErrors
{
    /// <summary>Class 1 of docs/protocol.md#envelope-classification.</summary>
    public const string Malformed = "relay: malformed envelope";

    /// <summary>Class 3 of docs/protocol.md#envelope-classification.</summary>
    public const string MissingConnId = "relay: envelope missing conn_id";

    /// <summary>Class 4 of docs/protocol.md#envelope-classification.</summary>
    public const string MissingFrame = "relay: envelope missing frame";

    /// <summary>The error text for a dropped class, or <c>null</c> for the classes that are acted on.</summary>
    public static string? For(EnvelopeKind kind) => kind switch
    {
        EnvelopeKind.Malformed => Malformed,
        EnvelopeKind.MissingConnId => MissingConnId,
        EnvelopeKind.MissingFrame => MissingFrame,
        _ => null,
    };
}
