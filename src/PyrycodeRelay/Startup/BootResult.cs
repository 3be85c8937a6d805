using System.Diagnostics.CodeAnalysis;

namespace PyrycodeRelay.Startup;

/// <summary>The outcome of <see cref="BootSequence.Run"/>: either a plan to run, or an exit code.</summary>
internal sealed class BootResult
{
    private BootResult(BootPlan? plan, int exitCode, BootRefusal? refusal)
    {
        Plan = plan;
        ExitCode = exitCode;
        Refusal = refusal;
    }

    /// <summary>The validated plan, or null when the process must exit with <see cref="ExitCode"/>.</summary>
    public BootPlan? Plan { get; }

    /// <summary>The exit code when <see cref="Plan"/> is null (0 for help/version, 2 for refusals and usage errors).</summary>
    public int ExitCode { get; }

    /// <summary>The refusal that stopped the boot, if any (already logged).</summary>
    public BootRefusal? Refusal { get; }

    /// <summary>True when the relay should continue with <see cref="Plan"/>.</summary>
    [MemberNotNullWhen(true, nameof(Plan))]
    public bool ShouldRun => Plan is not null;

    internal static BootResult Run(BootPlan plan) => new(plan, 0, null);

    internal static BootResult Exit(int exitCode, BootRefusal? refusal = null) => new(null, exitCode, refusal);
}
