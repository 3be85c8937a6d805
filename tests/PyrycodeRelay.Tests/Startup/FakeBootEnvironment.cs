using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

/// <summary>A controllable boot environment: non-root, Linux, empty effective capability set by default.</summary>
internal sealed class FakeBootEnvironment : IBootEnvironment
{
    public const string CleanStatus = "Name:\tpyrycode-relay\nUid:\t1000\t1000\t1000\t1000\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t000001ffffffffff\n";

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public List<string> Reads { get; } = [];

    public int? EffectiveUid { get; set; } = 1000;

    public string OperatingSystem { get; set; } = "linux";

    public string ProcSelfStatus { get; set; } = CleanStatus;

    public Exception? ProcSelfStatusError { get; set; }

    public FakeBootEnvironment With(string name, string value)
    {
        Variables[name] = value;
        return this;
    }

    public string? GetEnvironmentVariable(string name)
    {
        Reads.Add(name);
        return Variables.TryGetValue(name, out var v) ? v : null;
    }

    public string ReadProcSelfStatus() => ProcSelfStatusError is { } e ? throw e : ProcSelfStatus;

    public static string StatusWithCapEff(string capEff) => CleanStatus.Replace("CapEff:\t0000000000000000", "CapEff:\t" + capEff, StringComparison.Ordinal);
}
