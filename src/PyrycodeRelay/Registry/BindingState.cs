namespace PyrycodeRelay.Registry;

/// <summary>Where a phone's bound binary connection stands (docs/protocol.md#phone-to-binary outcomes).</summary>
internal enum BindingState
{
    /// <summary>The bound connection is the live holder: frames can be delivered.</summary>
    Live,

    /// <summary>The bound connection is the holder but its grace period runs.</summary>
    Gracing,

    /// <summary>The bound connection is no longer the holder (reclaimed, taken over, expired).</summary>
    NotHolder,
}
