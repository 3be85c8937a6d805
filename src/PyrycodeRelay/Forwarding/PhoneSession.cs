using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One registered phone: its reader forwards frames to the bound binary (protocol.md §6), its outbox
/// delivers the binary's frames and directives (§7.3, §7.4, §10), and its teardown sends the close
/// notice (§8) and unregisters it (§5.5).
/// </summary>
internal sealed partial class PhoneSession : IRegistryPhone<BinarySession, PhoneSession>, IHeartbeatOwner
{
    private readonly SessionContext _ctx;
    private readonly byte[] _envelopePrefix;
    private readonly byte[] _connIdUtf8;
    private readonly PhoneOutbox _outbox;
    private readonly PhoneBinding<BinarySession, PhoneSession> _binding;
    private int _removal;              // PhoneRemoval, first writer wins
    private volatile bool _noNotice;   // a directive was accepted or overflowed

    private PhoneSession(SessionContext ctx, WsConnection connection, PhoneBinding<BinarySession, PhoneSession> binding)
    {
        _ctx = ctx;
        Connection = connection;
        _binding = binding;
        ConnId = Codec.ConnIds.Format(binding.Slot.ServerId, binding.Key);
        _connIdUtf8 = System.Text.Encoding.UTF8.GetBytes(ConnId);
        _envelopePrefix = EnvelopeWriter.CreateFramePrefix(_connIdUtf8);
        _outbox = new PhoneOutbox(ctx.PhoneOutboxBytes, ctx.Budget);
    }

    /// <inheritdoc />
    public PhoneBinding<BinarySession, PhoneSession> Binding => _binding;

    /// <summary>The server-id it named.</summary>
    public string ServerId => _binding.Slot.ServerId;

    /// <summary>The conn_id the binary addresses this phone by.</summary>
    public string ConnId { get; }

    /// <summary>The phone's WebSocket.</summary>
    public WsConnection Connection { get; }

    private PhoneRemoval Removal => (PhoneRemoval)Volatile.Read(ref _removal);

    /// <inheritdoc />
    public void OnHeartbeatTimeout(WsConnection connection) =>
        CloseByRelay(WsCloseCodes.InternalError, "heartbeat timeout", PhoneRemoval.HeartbeatTimeout);

    private void OnShutdown() => CloseByRelay(WsCloseCodes.GoingAway, "shutting down", PhoneRemoval.Shutdown);

    /// <summary>
    /// A relay-initiated close that bypasses the queue: pending items are dropped and the close frame goes
    /// out after any frame being written. The reader then ends with the peer's close (or the close wait).
    /// </summary>
    public void CloseByRelay(int code, string reason, PhoneRemoval removal)
    {
        Interlocked.CompareExchange(ref _removal, (int)removal, (int)PhoneRemoval.None);
        CountDropped(_outbox.Discard(), DropReason.PhoneClosed);
        Connection.RequestClose(code, reason);
    }

    private void CountDropped(int count, DropReason reason)
    {
        for (var i = 0; i < count; i++)
        {
            _ctx.Metrics.Dropped(Direction.BinaryToPhone, reason);
        }
    }
}
