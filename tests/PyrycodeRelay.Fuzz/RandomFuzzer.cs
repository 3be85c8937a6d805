using System.Diagnostics;

namespace PyrycodeRelay.Fuzz;

/// <summary>
/// Fallback engine without instrumentation: havoc-style mutation (bit flips, interesting values, block
/// insert/delete/duplicate, splicing) of the seed corpus. Used for quick smoke runs; the real runs use AFL++.
/// </summary>
internal static class RandomFuzzer
{
    private static readonly long[] Interesting = [0, 1, 125, 126, 127, 128, 255, 256, 65535, 65536, int.MaxValue, uint.MaxValue, long.MaxValue, -1];

    /// <summary>Runs for <paramref name="duration"/>; returns 1 and writes the input to ./finding-* on the first finding.</summary>
    public static int Run(IFuzzTarget target, TimeSpan duration, int seed, string? corpusDir)
    {
        var rng = new Random(seed);
        var pool = target.Seeds().ToList();
        if (corpusDir is not null && Directory.Exists(corpusDir))
        {
            pool.AddRange(Directory.EnumerateFiles(corpusDir).Select(File.ReadAllBytes));
        }

        var sw = Stopwatch.StartNew();
        long execs = 0;
        while (sw.Elapsed < duration)
        {
            var input = Mutate(rng, pool[rng.Next(pool.Count)], pool);
            try
            {
                Runner.RunOne(target, input);
            }
            catch (Exception ex)
            {
                var path = Path.GetFullPath($"finding-{target.Name}-{seed}-{execs}");
                File.WriteAllBytes(path, input);
                Console.WriteLine($"FINDING after {execs} execs, input saved to {path}\n{ex}");
                return 1;
            }

            execs++;
            if (rng.Next(64) == 0 && pool.Count < 4096)
            {
                pool.Add(input);
            }
        }

        Console.WriteLine($"{target.Name}: {execs} execs in {sw.Elapsed.TotalSeconds:F0}s (seed {seed}), no finding");
        return 0;
    }

    private static byte[] Mutate(Random rng, byte[] original, List<byte[]> pool)
    {
        var data = new List<byte>(original);
        var rounds = 1 << rng.Next(5);
        for (var r = 0; r < rounds; r++)
        {
            switch (rng.Next(8))
            {
                case 0 when data.Count > 0:
                    var i = rng.Next(data.Count);
                    data[i] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[rng.Next(data.Count)] = (byte)rng.Next(256);
                    break;
                case 2:
                    data.Insert(rng.Next(data.Count + 1), (byte)rng.Next(256));
                    break;
                case 3 when data.Count > 1:
                    var start = rng.Next(data.Count);
                    data.RemoveRange(start, rng.Next(1, Math.Min(16, data.Count - start) + 1));
                    break;
                case 4 when data.Count > 8:
                    // Overwrite with a big-endian interesting value of width 1, 2 or 8.
                    var v = Interesting[rng.Next(Interesting.Length)];
                    var width = new[] { 1, 2, 8 }[rng.Next(3)];
                    var at = rng.Next(data.Count - width + 1);
                    for (var k = 0; k < width; k++)
                    {
                        data[at + k] = (byte)(v >> (8 * (width - 1 - k)));
                    }

                    break;
                case 5 when data.Count > 0:
                    var s = rng.Next(data.Count);
                    var len = rng.Next(1, Math.Min(64, data.Count - s) + 1);
                    data.InsertRange(rng.Next(data.Count + 1), data.GetRange(s, len));
                    break;
                case 6:
                    var other = pool[rng.Next(pool.Count)];
                    if (other.Length > 0)
                    {
                        var os = rng.Next(other.Length);
                        data.InsertRange(rng.Next(data.Count + 1), other.AsSpan(os, rng.Next(1, other.Length - os + 1)).ToArray());
                    }

                    break;
                default:
                    if (data.Count > 0)
                    {
                        data.RemoveRange(rng.Next(data.Count), 1);
                    }

                    break;
            }
        }

        if (data.Count > 300_000)
        {
            data.RemoveRange(300_000, data.Count - 300_000);
        }

        return [.. data];
    }
}
