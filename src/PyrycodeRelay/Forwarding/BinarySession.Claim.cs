using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>The claim: free → claim, gracing → reclaim, live → probe the incumbent (docs/protocol.md#conflict-probe-and-takeover).</summary>
internal sealed partial class BinarySession
{
    private const string EvictedReason = "binary reclaimed server-id";

    /// <summary>The reason of 1013 when <c>--max-server-ids</c> server-ids are live (docs/operations.md#abuse-limits-per-session).</summary>
    public const string AtCapacityReason = "relay at server-id capacity";

    /// <summary>Returns true when this connection became holder.</summary>
    private async Task<bool> ClaimAsync()
    {
        // A live incumbent is probed first; the newcomer's messages stay unread (buffered) meanwhile.
        var decision = await _ctx.Registry.ClaimAsync(this);

        switch (decision.Outcome)
        {
            case ClaimOutcome.Conflict:
                RelayLog.ServerIdConflict(_ctx.Logger, ServerId, _remote);
                _ctx.Metrics.Upgrade(RelayEndpoint.Server, UpgradeOutcome.Reject409);
                await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.AlreadyClaimed, "server-id already claimed");
                _ctx.Metrics.Closed(RelayEndpoint.Server, CloseCause.Rejected);
                return false;
            case ClaimOutcome.KeyMismatch:
                RelayLog.ServerKeyMismatch(_ctx.Logger, ServerId, _remote, SourceFp);
                _ctx.Metrics.Upgrade(RelayEndpoint.Server, UpgradeOutcome.Reject409);
                await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.AlreadyClaimed, "server-id already claimed");
                _ctx.Metrics.Closed(RelayEndpoint.Server, CloseCause.Rejected);
                return false;
            case ClaimOutcome.AtCapacity:
                RelayLog.ServerIdsAtCap(_ctx.Logger, ServerId, _remote);
                _ctx.Metrics.Upgrade(RelayEndpoint.Server, UpgradeOutcome.RejectCapacity);
                await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.TryAgainLater, AtCapacityReason);
                _ctx.Metrics.Closed(RelayEndpoint.Server, CloseCause.Rejected);
                return false;
            case ClaimOutcome.ShuttingDown:
                await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.GoingAway, SessionIo.ShuttingDownReason);
                _ctx.Metrics.Closed(RelayEndpoint.Server, CloseCause.Shutdown);
                return false;
            case ClaimOutcome.TakenOver:
                RelayLog.ServerIdTakeover(_ctx.Logger, ServerId, _remote, SourceFp);
                ReportSourceChange(decision.Previous, SourceChange.Takeover);
                Evict(decision.Evicted);
                decision.Displaced?.Displace(); // null when the incumbent was on another node (its node closes it)
                break;
            case ClaimOutcome.Reclaimed:
                ReportSourceChange(decision.Previous, SourceChange.Reclaim);
                Evict(decision.Evicted);
                break;
        }

        _slot = decision.Slot!;
        RelayLog.ServerClaimed(_ctx.Logger, ServerId, _version, _remote);
        _ctx.Metrics.Upgrade(RelayEndpoint.Server, UpgradeOutcome.Accept);
        return true;
    }

    /// <summary>A reclaim or takeover from a source network unlike the previous holder's is logged and counted.</summary>
    private void ReportSourceChange(BinaryPeer? previous, SourceChange change)
    {
        if (previous is null || string.Equals(previous.SourceFp, SourceFp, StringComparison.Ordinal))
        {
            return;
        }

        RelayLog.ServerIdSourceChanged(_ctx.Logger, ServerId, change == SourceChange.Takeover ? "takeover" : "reclaim", previous.SourceFp, SourceFp);
        _ctx.Metrics.SourceChanged(change);
    }

    private static void Evict(IReadOnlyList<PhonePeer>? phones)
    {
        if (phones is null)
        {
            return;
        }

        foreach (var phone in phones)
        {
            phone.CloseByRelay(WsCloseCodes.NoServer, EvictedReason, PhoneRemoval.Reclaimed);
        }
    }
}
