using System.Text;
using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Endpoints;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="HeaderGate"/> (docs/protocol.md#header-gate) against an independent reading of the table: first occurrence
/// of a header wins (names case-insensitive), spaces/tabs trimmed, empty = missing, server-id 1–128 visible
/// ASCII. Never throws; on success returns the trimmed server-id, version and device name.
/// </summary>
/// <remarks>
/// Input: lines <c>i:value</c> separated by LF, where byte <c>i</c> picks a header name (with case variants)
/// from a table; byte 0 of the input picks UTF-8 or Latin-1 decoding of the values.
/// </remarks>
internal sealed class HeaderGateTarget : IFuzzTarget
{
    private static readonly string[] Names =
    [
        "X-Pyrycode-Server", "x-pyrycode-server", "X-PYRYCODE-SERVER", "X-Pyrycode-Version", "x-pyrycode-version",
        "X-Pyrycode-Token", "X-PYRYCODE-TOKEN", "User-Agent", "user-agent", "X-Pyrycode-Device-Name", "x-pyrycode-device-name",
        "Origin", "X-Pyrycode-Server2", "X-Pyrycode-Serve", "Sec-WebSocket-Key", "Host",
    ];

    public string Name => "header-gate";

    public long AllocationBudget(int inputLength) => (1L << 20) + (64L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var encoding = (data[0] & 1) == 0 ? Encoding.UTF8 : Encoding.Latin1;
        var headers = new HeaderDictionary();
        var pairs = new List<(string Name, string Value)>();
        foreach (var line in encoding.GetString(data[1..]).Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var name = Names[line[0] % Names.Length];
            var value = line.Length > 1 && line[1] == ':' ? line[2..] : line[1..];
            pairs.Add((name, value));
            // Not HeaderDictionary.Append, which drops an empty value; Kestrel keeps every occurrence, empty ones
            // included (checked end to end by Reliability/HeaderGateEndToEndTests).
            headers[name] = Microsoft.Extensions.Primitives.StringValues.Concat(headers[name], value);
        }

        if (Environment.GetEnvironmentVariable("FUZZ_DEBUG") is not null)
        {
            foreach (var (n, v) in pairs)
            {
                Console.WriteLine($"{n}: {System.Text.Json.JsonSerializer.Serialize(v)}");
            }

            foreach (var h in headers)
            {
                Console.WriteLine($"dict {h.Key}: [{string.Join(", ", h.Value.Select(x => System.Text.Json.JsonSerializer.Serialize(x)))}]");
            }
        }

        var binary = HeaderGate.TryAcceptBinary(headers, out var serverId, out var version);
        var expServer = First(pairs, "X-Pyrycode-Server");
        var expVersion = First(pairs, "X-Pyrycode-Version");
        var expUa = First(pairs, "User-Agent");
        var expToken = First(pairs, "X-Pyrycode-Token");
        var expDevice = First(pairs, "X-Pyrycode-Device-Name");
        var serverOk = expServer is { Length: >= 1 and <= 128 } && expServer.All(c => c is >= '\x21' and <= '\x7E');
        var expBinary = serverOk && expVersion is { Length: > 0 } && expUa is { Length: > 0 };
        InvariantException.Check(binary == expBinary, $"binary gate {binary}, reference {expBinary}");
        if (binary)
        {
            InvariantException.Check(serverId == expServer && version == expVersion, "binary gate returned other values");
        }

        var phone = HeaderGate.TryAcceptPhone(headers, out var phoneServerId, out var device);
        var expPhone = serverOk && expToken is { Length: > 0 } && expUa is { Length: > 0 };
        InvariantException.Check(phone == expPhone, $"phone gate {phone}, reference {expPhone}");
        if (phone)
        {
            InvariantException.Check(phoneServerId == expServer && device == (expDevice ?? ""), "phone gate returned other values");
        }
    }

    /// <summary>The first occurrence, trimmed of spaces and tabs; null when missing or empty after trimming.</summary>
    private static string? First(List<(string Name, string Value)> pairs, string name)
    {
        foreach (var (n, v) in pairs)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                var start = 0;
                var end = v.Length;
                while (start < end && v[start] is ' ' or '\t')
                {
                    start++;
                }

                while (end > start && v[end - 1] is ' ' or '\t')
                {
                    end--;
                }

                return end > start ? v[start..end] : null;
            }
        }

        return null;
    }

    public IEnumerable<byte[]> Seeds()
    {
        // Names: 0 server, 3 version, 5 token, 7 user-agent, 9 device.
        string[] seeds =
        [
            "\0\u0000:s1\n\u0003:0.1.0-test\n\u0007:pyry-test/0.1.0",
            "\0\u0000:s1\n\u0005:phone-token-opaque\n\u0007:ua\n\u0009:Juhana's iPhone",
            "\0\u0000:  \t\n\u0005:  \t\n\u0007:ua",
            "\0\u0001:s 1\n\u0000:s1\n\u0003:v\n\u0008:ua",
            "\u0001\u0000:s1\u00e9\n\u0003:v\n\u0007:ua",
            "\0\u0000:" + new string('x', 128) + "\n\u0003:v\n\u0007:u",
            "\0\u0000:" + new string('x', 129) + "\n\u0003:v\n\u0007:u",
            "\0\u0000:a\"b\\c\n\u0002:other\n\u0004:v\n\u0007:u\n\u0007:",
        ];
        return seeds.Select(Encoding.UTF8.GetBytes);
    }
}
