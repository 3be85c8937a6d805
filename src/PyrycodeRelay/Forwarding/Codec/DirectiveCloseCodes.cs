namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>Validity of the close code requested by a close directive (docs/protocol.md#close-directives).</summary>
internal static class DirectiveCloseCodes
{
    /// <summary>The code the relay closes a phone with when the directive's code is invalid.</summary>
    public const int InvalidReplacement = 1011;

    /// <summary>True for 1000–1003, 1007–1014 and 3000–4999; false for every other code (including 0).</summary>
    public static bool IsValid(int code) => WebSockets.WsCloseCodes.IsValid(code);

    /// <summary>The code actually sent to the phone: <paramref name="requested"/> if valid, otherwise 1011.</summary>
    public static int Resolve(int requested) => IsValid(requested) ? requested : InvalidReplacement;
}
