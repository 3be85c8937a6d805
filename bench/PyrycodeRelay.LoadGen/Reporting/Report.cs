using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Reporting;

/// <summary><c>report</c>: results.json → docs/performance.md and docs/performance.svg.</summary>
internal static partial class Report
{
    public static int Write(WorkerArgs a)
    {
        _ = a;
        return 0;
    }
}
