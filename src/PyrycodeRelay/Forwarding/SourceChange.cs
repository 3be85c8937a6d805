namespace PyrycodeRelay.Forwarding;

/// <summary>How a server-id changed hands to a different source network (label <c>claim</c> of claim_source_changes_total).</summary>
internal enum SourceChange
{
    /// <summary>A reclaim during grace.</summary>
    Reclaim,

    /// <summary>A takeover of a live holder that missed its probe.</summary>
    Takeover,
}
