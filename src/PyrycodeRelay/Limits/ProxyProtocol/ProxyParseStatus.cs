namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>The state of an incremental PROXY header parse.</summary>
internal enum ProxyParseStatus
{
    /// <summary>The bytes so far are a valid prefix of an acceptable header; read more.</summary>
    NeedMore,

    /// <summary>The bytes cannot start an acceptable header (malformed, rejected version/command/family, too long).</summary>
    Invalid,

    /// <summary>A complete acceptable header; <see cref="ProxyParseResult.Consumed"/> bytes belong to it.</summary>
    Complete,
}
