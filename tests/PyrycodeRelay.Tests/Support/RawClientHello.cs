using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Sends a hand-built ClientHello of a chosen legacy version (no supported_versions extension), so the
/// server's protocol floor is tested independently of the client library's own minimum.
/// </summary>
internal static class RawClientHello
{
    /// <summary>True when the server answers with a ServerHello; false on an alert or a close.</summary>
    public static async Task<bool> GetsServerHelloAsync(int port, string sni, ushort version)
    {
        using var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(TlsClients.Timeout);
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Build(sni, version), cts.Token);
        var head = new byte[6];
        var read = 0;
        try
        {
            while (read < head.Length)
            {
                var n = await stream.ReadAsync(head.AsMemory(read), cts.Token);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }
        }
        catch (IOException)
        {
            return false;
        }

        return head[0] == 0x16 && head[5] == 0x02; // handshake record carrying a ServerHello
    }

    private static byte[] Build(string sni, ushort version)
    {
        var body = new List<byte>();
        body.AddRange([(byte)(version >> 8), (byte)version]);
        body.AddRange(RandomNumberGenerator.GetBytes(32));
        body.Add(0); // session id
        ushort[] suites = [0xC02B, 0xC02F, 0xC009, 0xC013, 0xC00A, 0xC014, 0x002F, 0x0035];
        U16(body, suites.Length * 2);
        foreach (var s in suites)
        {
            U16(body, s);
        }

        body.AddRange([1, 0]); // compression: null
        var ext = new List<byte>();
        var name = Encoding.ASCII.GetBytes(sni);
        U16(ext, 0x0000); // server_name
        U16(ext, name.Length + 5);
        U16(ext, name.Length + 3);
        ext.Add(0);
        U16(ext, name.Length);
        ext.AddRange(name);
        U16(ext, 0x000A); // supported_groups: secp256r1, x25519
        U16(ext, 6);
        U16(ext, 4);
        U16(ext, 0x0017);
        U16(ext, 0x001D);
        U16(ext, 0x000B); // ec_point_formats: uncompressed
        U16(ext, 2);
        ext.AddRange([1, 0]);
        U16(ext, 0x000D); // signature_algorithms
        ushort[] sigs = [0x0403, 0x0804, 0x0401, 0x0203, 0x0201];
        U16(ext, sigs.Length * 2 + 2);
        U16(ext, sigs.Length * 2);
        foreach (var s in sigs)
        {
            U16(ext, s);
        }

        U16(body, ext.Count);
        body.AddRange(ext);
        var hs = new List<byte> { 0x01, 0, (byte)(body.Count >> 8), (byte)body.Count };
        hs.AddRange(body);
        var record = new List<byte> { 0x16, 0x03, 0x01 };
        U16(record, hs.Count);
        record.AddRange(hs);
        return [.. record];
    }

    private static void U16(List<byte> b, int v)
    {
        b.Add((byte)(v >> 8));
        b.Add((byte)v);
    }
}
