using System.Collections.Concurrent;

namespace PyrycodeRelay.Soak;

/// <summary>Counters and violations shared by every cell.</summary>
internal sealed class Stats
{
    private readonly ConcurrentDictionary<string, long> _counters = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public long FramesPhoneToBinary;
    public long FramesBinaryToPhone;
    public long Lost;
    public long Duplicated;
    public long Reordered;

    public void Count(string name, long n = 1) => _counters.AddOrUpdate(name, n, (_, v) => v + n);

    public long Get(string name) => _counters.TryGetValue(name, out var v) ? v : 0;

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counters);

    public void Violation(string text)
    {
        Violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {text}");
        if (Violations.Count <= 50)
        {
            Console.Error.WriteLine($"VIOLATION {text}");
        }
    }

    /// <summary>Checks that <paramref name="n"/> is exactly the next sequence number after <paramref name="last"/>.</summary>
    public void CheckSequence(string what, ref long last, long n)
    {
        if (n == last + 1)
        {
            last = n;
            return;
        }

        if (n <= last)
        {
            Interlocked.Increment(ref n == last ? ref Duplicated : ref Reordered);
            Violation($"{what}: got n={n} after n={last} (duplicate or reordered)");
            return;
        }

        Interlocked.Add(ref Lost, n - last - 1);
        Violation($"{what}: got n={n} after n={last} ({n - last - 1} lost)");
        last = n;
    }
}
