using System.Globalization;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// One closed-loop workload: <see cref="Phones"/> phones (each with its own binary), <see cref="Window"/> frames in
/// flight per phone, frames of <see cref="Size"/> bytes, over <c>ws</c> or <c>wss</c> (<see cref="Tls"/>).
/// Written <c>PHONESxWINDOWxSIZE</c> with an optional <c>tls:</c> prefix and a <c>k</c> (KiB) suffix on the size:
/// <c>64x1x64</c>, <c>256x4x4k</c>, <c>tls:8x1x100k</c>.
/// </summary>
internal sealed record RowSpec(int Phones, int Window, int Size, bool Tls)
{
    /// <summary>Named row lists for <c>--rows</c> (comma-separated names and specs may be mixed).</summary>
    public static readonly IReadOnlyDictionary<string, string> Presets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // issue 16's reference table: 64 × 1 and 256 × 4 at 64 B, 64 × 1 at 4 KiB.
        ["issue"] = "64x1x64,64x1x4k,256x4x64",
        // deeper windows: 4 and 16 frames in flight at 64 and 256 phones, 64 B and 4 KiB.
        ["deep"] = "64x4x64,64x16x64,256x4x64,256x16x64,64x4x4k,64x16x4k,256x4x4k,256x16x4k",
        // wss everywhere (relay: phones and binaries; nginx: phones and its upstream).
        ["tls"] = "tls:64x1x64,tls:64x1x4k,tls:256x4x64",
        // 100 KiB messages, plain and TLS (record size and flush behaviour).
        ["large"] = "8x1x100k,tls:8x1x100k",
        // the A/B default: a few minutes for relay, baseline and nginx with two repetitions.
        ["ab"] = "64x1x64,256x4x64,64x16x4k,tls:64x1x64,tls:256x4x64,tls:8x1x100k",
        // every extra row of a full run.
        ["all"] = "issue,deep,tls,large",
        ["none"] = "",
    };

    /// <summary>Short label, e.g. <c>256×4×64 B</c> or <c>tls 64×1×4 KiB</c>.</summary>
    public string Label => $"{(Tls ? "tls " : "")}{Phones}×{Window}×{SizeLabel(Size)}";

    /// <summary>The spec string this row parses from.</summary>
    public override string ToString() =>
        $"{(Tls ? "tls:" : "")}{Phones}x{Window}x{(Size % 1024 == 0 ? $"{Size / 1024}k" : Size.ToString(CultureInfo.InvariantCulture))}";

    /// <summary>64 B, 4 KiB, 100 KiB.</summary>
    public static string SizeLabel(int size) => size >= 1024 && size % 1024 == 0 ? $"{size / 1024} KiB" : $"{size} B";

    /// <summary>Parses a comma-separated list of specs and preset names (duplicates removed, order kept).</summary>
    public static RowSpec[] ParseList(string list)
    {
        var rows = new List<RowSpec>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var expanded = Presets.TryGetValue(item, out var preset) ? ParseList(preset) : [Parse(item)];
            rows.AddRange(expanded.Where(r => !rows.Contains(r)));
        }

        return [.. rows];
    }

    /// <summary>Parses one spec; throws <see cref="ArgumentException"/> naming the expected form.</summary>
    public static RowSpec Parse(string spec)
    {
        var tls = spec.StartsWith("tls:", StringComparison.Ordinal);
        var parts = (tls ? spec[4..] : spec).Split('x');
        if (parts.Length != 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var phones) || phones < 1
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var window) || window < 1
            || !TryParseSize(parts[2], out var size) || size < Load.Payload.MinSize)
        {
            throw new ArgumentException($"bad row '{spec}': expected [tls:]PHONESxWINDOWxSIZE, e.g. 256x4x64 or tls:8x1x100k " +
                                        $"(size in bytes, or KiB with a k suffix, at least {Load.Payload.MinSize}), or one of {string.Join(", ", Presets.Keys)}");
        }

        return new RowSpec(phones, window, size, tls);
    }

    private static bool TryParseSize(string text, out int size)
    {
        var kib = text.EndsWith('k');
        var ok = int.TryParse(kib ? text[..^1] : text, CultureInfo.InvariantCulture, out size);
        size *= kib ? 1024 : 1;
        return ok;
    }
}
