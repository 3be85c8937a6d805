namespace PyrycodeRelay.Limits;

/// <summary>
/// A connection's place in the <see cref="PendingConnectionLimit"/> (a connection feature). Released when the connection
/// ends or upgrades; <see cref="Release"/> is idempotent and thread-safe.
/// </summary>
internal sealed class PendingConnectionTicket
{
    private readonly string _source;
    private PendingConnectionLimit? _owner;

    internal PendingConnectionTicket(PendingConnectionLimit owner, string source)
    {
        _owner = owner;
        _source = source;
    }

    /// <summary>True until released.</summary>
    public bool IsHeld => Volatile.Read(ref _owner) is not null;

    /// <summary>Leaves the pending count; later calls do nothing.</summary>
    public void Release() => Interlocked.Exchange(ref _owner, null)?.Leave(_source);
}
