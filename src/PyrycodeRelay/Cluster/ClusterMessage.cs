using System.Buffers.Binary;
using System.Text;

namespace PyrycodeRelay.Cluster;

/// <summary>The kinds of cross-node message (docs/architecture.md "Cluster mode").</summary>
internal enum ClusterMessageType : byte
{
    /// <summary>Phone node → binary node: a phone registered (conn_id key) under the claim of <c>epoch</c>.</summary>
    PhoneJoined = 1,

    /// <summary>Phone node → binary node: one phone frame (raw JSON), sequence-numbered per phone.</summary>
    ToBinary = 2,

    /// <summary>Binary node → phone node: one unwrapped frame and/or close directive, sequence-numbered per phone.</summary>
    ToPhone = 3,

    /// <summary>Phone node → binary node: the phone's close notice bytes (sequence-numbered like its frames).</summary>
    Notice = 4,

    /// <summary>Phone node → binary node: the phone left (a 1001 close notice is due unless one was sent or a directive closed it).</summary>
    PhoneGone = 5,

    /// <summary>Any node → phone node: close every phone of the server-id bound to <c>epoch</c> or older with <c>code</c>.</summary>
    Evict = 6,

    /// <summary>Binary node → phone node: the holder's connection ended; its grace runs.</summary>
    Gracing = 7,

    /// <summary>Claimant's node → holder's node: probe the holder of <c>epoch</c> (request id in <c>seq</c>).</summary>
    ProbeRequest = 8,

    /// <summary>Holder's node → claimant's node: the probe's answer (<c>code</c> 1 = Pong).</summary>
    ProbeAnswer = 9,

    /// <summary>Claimant's node → old holder's node: the holder of <c>epoch</c> was taken over; close it.</summary>
    Displace = 10,

    /// <summary>Binary node → phone node: close this phone 1011 <c>cluster link lost</c>.</summary>
    LinkLost = 11,

    /// <summary>Binary node → phone node: a frame of this phone could not be written to the binary; the phone ends (1000).</summary>
    BinaryWriteFailed = 12,
}

/// <summary>
/// One cross-node message: a fixed header (type, epoch, seq, conn_id key, code, flags) then the server-id, the sender's
/// node id and the raw payload bytes (never re-serialised).
/// </summary>
internal readonly record struct ClusterMessage(
    ClusterMessageType Type, string ServerId, string From, long Epoch, long Seq, ulong Key, int Code, bool HasFrame, ReadOnlyMemory<byte> Payload)
{
    private const int HeaderLength = 1 + 8 + 8 + 8 + 4 + 1 + 2 + 1;

    /// <summary>Encodes the message.</summary>
    public byte[] Encode()
    {
        var sid = Encoding.UTF8.GetByteCount(ServerId);
        var from = Encoding.UTF8.GetByteCount(From);
        var bytes = new byte[HeaderLength + sid + from + Payload.Length];
        var span = bytes.AsSpan();
        span[0] = (byte)Type;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], Epoch);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], Seq);
        BinaryPrimitives.WriteUInt64BigEndian(span[17..], Key);
        BinaryPrimitives.WriteInt32BigEndian(span[25..], Code);
        span[29] = HasFrame ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(span[30..], (ushort)sid);
        span[32] = (byte)from;
        Encoding.UTF8.GetBytes(ServerId, span[HeaderLength..]);
        Encoding.UTF8.GetBytes(From, span[(HeaderLength + sid)..]);
        Payload.Span.CopyTo(span[(HeaderLength + sid + from)..]);
        return bytes;
    }

    /// <summary>Decodes a message; null when malformed.</summary>
    public static ClusterMessage? Decode(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.Length < HeaderLength)
        {
            return null;
        }

        var sid = BinaryPrimitives.ReadUInt16BigEndian(span[30..]);
        var from = span[32];
        if (span.Length < HeaderLength + sid + from)
        {
            return null;
        }

        return new ClusterMessage(
            (ClusterMessageType)span[0],
            Encoding.UTF8.GetString(span.Slice(HeaderLength, sid)),
            Encoding.UTF8.GetString(span.Slice(HeaderLength + sid, from)),
            BinaryPrimitives.ReadInt64BigEndian(span[1..]),
            BinaryPrimitives.ReadInt64BigEndian(span[9..]),
            BinaryPrimitives.ReadUInt64BigEndian(span[17..]),
            BinaryPrimitives.ReadInt32BigEndian(span[25..]),
            span[29] != 0,
            bytes[(HeaderLength + sid + from)..]);
    }
}
