namespace PyrycodeRelay.Registry;

/// <summary>
/// What a registered phone is bound to: its server-id's slot on this node, its conn_id key, and the claim in
/// force when it registered (the epoch and that claim's holder connection). The binding never changes; when
/// the claim does (reclaim, takeover, expiry) <see cref="State"/> says so.
/// </summary>
/// <param name="Slot">The server-id's slot on this node.</param>
/// <param name="Key">The 64 random bits of the phone's conn_id (its key within the server-id).</param>
/// <param name="Epoch">The epoch of the claim the phone is bound to.</param>
/// <param name="Holder">That claim's holder connection: where the phone's frames go while <see cref="State"/> is live.</param>
internal readonly record struct PhoneBinding<TBinary, TPhone>(ServerSlot<TBinary, TPhone> Slot, ulong Key, long Epoch, TBinary Holder)
    where TBinary : class
    where TPhone : class
{
    /// <summary>Where the bound claim stands; lock-free, asked once per phone frame (see <see cref="ServerSlot{TBinary, TPhone}.StateOf"/>).</summary>
    public BindingState State => Slot.StateOf(Epoch);
}
