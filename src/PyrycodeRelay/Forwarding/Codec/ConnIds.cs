using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>
/// Identifiers of docs/protocol.md#identifiers: conn_id <c>client-&lt;server-id&gt;-&lt;16 lowercase hex&gt;</c> (64 CSPRNG bits)
/// and binary connection id <c>server-&lt;server-id&gt;-&lt;8 lowercase hex&gt;</c> (32 CSPRNG bits).
/// </summary>
/// <remarks>
/// Within one server-id a conn_id is fully determined by its 64-bit suffix, so the registry can key phones
/// by that value and look an envelope's conn_id up with <see cref="TryParseSuffix(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out ulong)"/>.
/// The registry, not this class, must redraw when a fresh suffix equals one currently registered.
/// </remarks>
internal static class ConnIds
{
    private const string ConnIdPrefix = "client-";
    private const string BinaryConnIdPrefix = "server-";
    private const int SuffixDigits = 16;

    /// <summary>Draws 64 bits from the OS CSPRNG.</summary>
    public static ulong NewSuffix()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>Formats <c>client-&lt;serverId&gt;-&lt;suffix as 16 lowercase hex digits&gt;</c>.</summary>
    public static string Format(string serverId, ulong suffix)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        return string.Create(ConnIdPrefix.Length + serverId.Length + 1 + SuffixDigits, (serverId, suffix), static (span, state) =>
        {
            ConnIdPrefix.CopyTo(span);
            state.serverId.CopyTo(span[ConnIdPrefix.Length..]);
            int dash = ConnIdPrefix.Length + state.serverId.Length;
            span[dash] = '-';
            state.suffix.TryFormat(span[(dash + 1)..], out _, "x16", provider: null);
        });
    }

    /// <summary>Draws a fresh suffix and returns the conn_id for <paramref name="serverId"/>.</summary>
    public static string NewConnId(string serverId, out ulong suffix)
    {
        suffix = NewSuffix();
        return Format(serverId, suffix);
    }

    /// <summary>
    /// Parses a conn_id (UTF-8) of <paramref name="serverId"/> (UTF-8) into its 64-bit suffix. False unless
    /// <paramref name="connId"/> is exactly <c>client-</c>, the server-id, <c>-</c> and 16 lowercase hex digits.
    /// </summary>
    public static bool TryParseSuffix(ReadOnlySpan<byte> connId, ReadOnlySpan<byte> serverId, out ulong suffix)
    {
        suffix = 0;
        int dash = ConnIdPrefix.Length + serverId.Length;
        return connId.Length == dash + 1 + SuffixDigits
            && connId.StartsWith("client-"u8)
            && connId.Slice(ConnIdPrefix.Length, serverId.Length).SequenceEqual(serverId)
            && connId[dash] == (byte)'-'
            && TryParseLowerHex(connId[(dash + 1)..], out suffix);
    }

    /// <summary>As the UTF-8 overload, with the server-id as a string (compared as ASCII; server-ids are visible ASCII).</summary>
    public static bool TryParseSuffix(ReadOnlySpan<byte> connId, string serverId, out ulong suffix)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        suffix = 0;
        int dash = ConnIdPrefix.Length + serverId.Length;
        return connId.Length == dash + 1 + SuffixDigits
            && connId.StartsWith("client-"u8)
            && Ascii.Equals(connId.Slice(ConnIdPrefix.Length, serverId.Length), serverId)
            && connId[dash] == (byte)'-'
            && TryParseLowerHex(connId[(dash + 1)..], out suffix);
    }

    /// <summary>Returns a fresh binary connection id <c>server-&lt;serverId&gt;-&lt;8 lowercase hex&gt;</c> (logs only).</summary>
    public static string NewBinaryConnId(string serverId)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        RandomNumberGenerator.Fill(bytes);
        uint suffix = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        return string.Create(BinaryConnIdPrefix.Length + serverId.Length + 1 + 8, (serverId, suffix), static (span, state) =>
        {
            BinaryConnIdPrefix.CopyTo(span);
            state.serverId.CopyTo(span[BinaryConnIdPrefix.Length..]);
            int dash = BinaryConnIdPrefix.Length + state.serverId.Length;
            span[dash] = '-';
            state.suffix.TryFormat(span[(dash + 1)..], out _, "x8", provider: null);
        });
    }

    /// <summary>Parses exactly 16 lowercase hex digits; <paramref name="value"/> is 0 on failure.</summary>
    private static bool TryParseLowerHex(ReadOnlySpan<byte> hex, out ulong value)
    {
        value = 0;
        ulong result = 0;
        foreach (byte c in hex)
        {
            uint digit;
            if (c - (uint)'0' <= 9)
            {
                digit = c - (uint)'0';
            }
            else if (c - (uint)'a' <= 5)
            {
                digit = c - (uint)'a' + 10;
            }
            else
            {
                return false;
            }

            result = (result << 4) | digit;
        }

        value = result;
        return true;
    }
}
