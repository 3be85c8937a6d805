using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Limits;

/// <summary>
/// One held slot of a <see cref="ConnectionCap"/>. <see cref="Release"/> and <see cref="Dispose"/> are
/// idempotent and thread-safe: only the first call frees the slot.
/// </summary>
internal sealed class ConnectionSlot : IDisposable
{
    private readonly RelayEndpoint? _endpoint;
    private readonly string _source;
    private ConnectionCap? _owner;

    internal ConnectionSlot(ConnectionCap owner, RelayEndpoint? endpoint, string source)
    {
        _owner = owner;
        _endpoint = endpoint;
        _source = source;
    }

    /// <summary>The source the slot is counted for (empty when none).</summary>
    public string Source => _source;

    /// <summary>True until the slot has been released.</summary>
    public bool IsHeld => Volatile.Read(ref _owner) is not null;

    /// <summary>Frees the slot; later calls do nothing.</summary>
    public void Release() => Interlocked.Exchange(ref _owner, null)?.ReleaseOne(_endpoint, _source);

    /// <summary>Same as <see cref="Release"/>.</summary>
    public void Dispose() => Release();
}
