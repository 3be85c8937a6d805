using System.Globalization;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>
/// Server keys and <c>--max-server-ids</c> across nodes (docs/operations.md#server-keys,
/// docs/operations.md#abuse-limits-per-session): both are decided inside the claim script; this part carries out a grace
/// the cap ended early, wherever the server-id's phones are.
/// </summary>
internal sealed partial class ClusterRegistry
{
    /// <summary>The server key hash as the claim script keeps it (lowercase hex), or empty without a key. Never logged.</summary>
    private static string KeyHex(byte[]? hash) => hash is null ? "" : Convert.ToHexStringLower(hash);

    /// <summary>
    /// Each grace the claim script ended early (after the claimant's own phones, from <paramref name="start"/>: sid, holder
    /// node, epoch, count, then key/node pairs) is logged <c>server_grace_cut_short</c> and handled like an expiry: this
    /// node's phones are closed 1000, the holder's node and the phones' nodes are told.
    /// </summary>
    private void CutShort(RedisResult[] r, int start)
    {
        var i = start;
        while (i + 3 < r.Length)
        {
            var sid = (string)r[i]!;
            var holderNode = (string)r[i + 1]!;
            var epoch = long.Parse((string)r[i + 2]!, CultureInfo.InvariantCulture);
            var count = int.Parse((string)r[i + 3]!, CultureInfo.InvariantCulture);
            var nodes = new HashSet<string>(StringComparer.Ordinal) { holderNode };
            for (var j = i + 4; j + 1 < i + 4 + count; j += 2)
            {
                nodes.Add((string)r[j + 1]!);
            }

            i += 4 + count;
            nodes.Remove(NodeId);
            var local = RemoveLocal(sid, epoch);
            RelayLog.ServerGraceCutShort(_logger, sid);
            foreach (var node in nodes)
            {
                Post(node, new ClusterMessage(ClusterMessageType.Evict, sid, NodeId, epoch + 1, 0, 0, WsCloseCodes.Normal, false, default));
            }

            _graceExpired(sid, local);
        }
    }

    /// <summary>Removes this node's slot of <paramref name="sid"/> at <paramref name="epoch"/> (or older); returns its phones here.</summary>
    private List<PhonePeer> RemoveLocal(string sid, long epoch)
    {
        var local = new List<PhonePeer>();
        BinaryPeer? displaced = null;
        lock (_gate)
        {
            if (!_slots.TryGetValue(sid, out var slot) || slot.Epoch > epoch)
            {
                return local;
            }

            _slots.Remove(sid);
            slot.Removed = true;
            if (!slot.Gracing && slot.Holder is BinarySession)
            {
                _liveBinaries--; // its lease had lapsed (Redis counted it as gracing): it is closed like a displaced holder
                slot.Gracing = true;
                displaced = slot.Holder;
            }

            TakePhonesLocked(slot, local);
        }

        displaced?.Displace();
        return local;
    }

    /// <summary>Removes every phone of a removed slot from the counts; the local ones are added to <paramref name="local"/> (to be closed).</summary>
    private void TakePhonesLocked(ServerSlot<BinaryPeer, PhonePeer> slot, List<PhonePeer> local)
    {
        foreach (var phone in slot.RemoveAll())
        {
            if (phone is RemotePhone)
            {
                _remotePhones--;
            }
            else
            {
                _phones--;
                local.Add(phone);
            }
        }
    }
}
