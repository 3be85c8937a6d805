using System.Globalization;

namespace PyrycodeRelay.AllocProbe;

/// <summary>
/// A snapshot of <c>/proc/self/smaps</c>: resident KiB per mapping, to tell where an RSS increase goes
/// (GC regions, pinned blocks, native heap, thread stacks, files). Issue 16: 32 KiB transport blocks.
/// </summary>
internal sealed class MemoryMap
{
    private readonly Dictionary<string, (long Size, long Rss, string Name)> _maps = [];

    public long AnonKiB { get; private set; }

    public long FileKiB { get; private set; }

    public int Threads { get; private set; }

    public static MemoryMap Take()
    {
        var map = new MemoryMap { Threads = Directory.GetDirectories("/proc/self/task").Length };
        string? key = null;
        string name = "";
        long size = 0;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                key = parts[0];
                name = parts.Length >= 6 ? parts[5] : "[anon]";
                var range = key.Split('-');
                size = (long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)) / 1024;
            }
            else if (key is not null && parts.Length >= 2 && parts[0] == "Rss:")
            {
                var rss = long.Parse(parts[1], CultureInfo.InvariantCulture);
                map._maps[key] = (size, rss, name);
                if (name.StartsWith('/'))
                {
                    map.FileKiB += rss;
                }
                else
                {
                    map.AnonKiB += rss;
                }
            }
        }

        return map;
    }

    /// <summary>Prints the growth from <paramref name="before"/>: anon/file totals, threads, and the mappings that grew most.</summary>
    public void PrintGrowth(MemoryMap before, int top = 12)
    {
        Console.WriteLine($"smaps: anon {before.AnonKiB} -> {AnonKiB} KiB (+{AnonKiB - before.AnonKiB}), file {before.FileKiB} -> {FileKiB} KiB (+{FileKiB - before.FileKiB}), threads {before.Threads} -> {Threads}");
        var grown = _maps
            .Select(m => (m.Key, m.Value.Size, m.Value.Name, Grew: m.Value.Rss - (before._maps.TryGetValue(m.Key, out var b) ? b.Rss : 0), m.Value.Rss))
            .Where(m => m.Grew != 0)
            .OrderByDescending(m => Math.Abs(m.Grew))
            .ToList();
        var small = grown.Where(m => m.Size <= 16384).ToList();
        Console.WriteLine($"  mappings changed: {grown.Count}; of them <= 16 MiB size (stacks, malloc arenas): {small.Count}, net +{small.Sum(m => m.Grew)} KiB");
        foreach (var m in grown.Take(top))
        {
            Console.WriteLine($"  {m.Key} size={m.Size} KiB rss={m.Rss} KiB ({(m.Grew >= 0 ? "+" : "")}{m.Grew}) {m.Name}");
        }
    }
}
