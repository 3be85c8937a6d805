using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>The claim: free → claim, gracing → reclaim, live → probe the incumbent (protocol.md §5.2).</summary>
internal sealed partial class BinarySession
{
    private const string EvictedReason = "binary reclaimed server-id";

    /// <summary>Returns true when this connection became holder.</summary>
    private async Task<bool> ClaimAsync()
    {
        var decision = _rt.Registry.BeginClaim(this);
        if (decision.Outcome == ClaimOutcome.ProbeIncumbent)
        {
            // The newcomer's messages stay unread (buffered) while the incumbent is probed.
            var incumbent = (BinarySession)decision.Incumbent!;
            var pong = await incumbent.Connection.ProbeAsync(_rt.Options.ConflictProbeTimeout);
            decision = _rt.Registry.ResolveProbe(this, incumbent, pong);
        }

        switch (decision.Outcome)
        {
            case ClaimOutcome.Conflict:
                RelayLog.ServerIdConflict(_rt.Logger, ServerId, _remote);
                _rt.Metrics.Upgrade(RelayEndpoint.Server, UpgradeOutcome.Reject409);
                await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.AlreadyClaimed, "server-id already claimed");
                _rt.Metrics.Closed(RelayEndpoint.Server, CloseCause.Rejected);
                return false;
            case ClaimOutcome.ShuttingDown:
                await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.GoingAway, "shutting down");
                _rt.Metrics.Closed(RelayEndpoint.Server, CloseCause.Shutdown);
                return false;
            case ClaimOutcome.TakenOver:
                RelayLog.ServerIdTakeover(_rt.Logger, ServerId, _remote);
                Evict(decision.Evicted);
                ((BinarySession)decision.Incumbent!).Displace();
                break;
            case ClaimOutcome.Reclaimed:
                Evict(decision.Evicted);
                break;
        }

        _slot = decision.Slot!;
        RelayLog.ServerClaimed(_rt.Logger, ServerId, _version, _remote);
        _rt.Metrics.Upgrade(RelayEndpoint.Server, UpgradeOutcome.Accept);
        return true;
    }

    private static void Evict(IReadOnlyList<IRegisteredPhone>? phones)
    {
        if (phones is null)
        {
            return;
        }

        foreach (var phone in phones)
        {
            ((PhoneSession)phone).CloseByRelay(WsCloseCodes.NoServer, EvictedReason, PhoneRemoval.Reclaimed);
        }
    }
}
