using System.Security.Cryptography;

namespace PyrycodeRelay.Registry;

/// <summary>conn_id and binary connection id generation (protocol.md §4): CSPRNG bits, never counters.</summary>
public static class ConnIds
{
    /// <summary>Draws 64 random bits for a phone's conn_id.</summary>
    public static ulong NewPhoneKey()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }

    /// <summary><c>client-&lt;server-id&gt;-&lt;16 lowercase hex&gt;</c>.</summary>
    public static string FormatPhone(string serverId, ulong key) =>
        string.Create(7 + serverId.Length + 1 + 16, (serverId, key), static (span, s) =>
        {
            "client-".CopyTo(span);
            s.serverId.CopyTo(span[7..]);
            span[7 + s.serverId.Length] = '-';
            s.key.TryFormat(span[(8 + s.serverId.Length)..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });

    /// <summary><c>server-&lt;server-id&gt;-&lt;8 lowercase hex&gt;</c> from 32 random bits (logs only).</summary>
    public static string NewBinaryConnId(string serverId)
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        var bits = BitConverter.ToUInt32(bytes);
        return string.Create(7 + serverId.Length + 1 + 8, (serverId, bits), static (span, s) =>
        {
            "server-".CopyTo(span);
            s.serverId.CopyTo(span[7..]);
            span[7 + s.serverId.Length] = '-';
            s.bits.TryFormat(span[(8 + s.serverId.Length)..], out _, "x8", System.Globalization.CultureInfo.InvariantCulture);
        });
    }
}
