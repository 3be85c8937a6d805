using System.Globalization;
using System.Net;
using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>What /proc says about a running relay: its listening TCP sockets, capabilities and uid.</summary>
[SupportedOSPlatform("linux")]
internal static class ProcFs
{
    /// <summary>
    /// The TCP sockets in LISTEN state that <paramref name="pid"/> holds open: its socket inodes from
    /// <c>/proc/&lt;pid&gt;/fd</c> matched against <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> ListeningSockets(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // the descriptor was closed meanwhile
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var result = new List<IPEndPoint>();
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f[3] == "0A" && inodes.Contains(f[9])) // 0A = TCP_LISTEN; field 9 = inode
                {
                    result.Add(ParseEndpoint(f[1]));
                }
            }
        }

        return result;
    }

    /// <summary>The sorted distinct ports <paramref name="pid"/> listens on.</summary>
    public static IReadOnlyList<int> ListeningPorts(int pid) =>
        [.. ListeningSockets(pid).Select(e => e.Port).Distinct().Order()];

    /// <summary>The value of a <c>/proc/&lt;pid&gt;/status</c> field (e.g. <c>CapEff</c>, <c>Uid</c>), trimmed.</summary>
    public static string Status(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line[(field.Length + 1)..].Trim();
    }

    private static IPEndPoint ParseEndpoint(string hex)
    {
        var parts = hex.Split(':');
        var port = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var raw = Convert.FromHexString(parts[0]);
        // /proc/net/tcp* prints the address as 32-bit words in host (little-endian) order.
        for (var i = 0; i < raw.Length; i += 4)
        {
            Array.Reverse(raw, i, 4);
        }

        return new IPEndPoint(new IPAddress(raw), port);
    }
}
