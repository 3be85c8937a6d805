namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>Everything one <c>run</c> measured (serialised to results.json; the report reads it).</summary>
internal sealed record Results(MachineInfo Machine, RunSettings Settings, List<LoadRow> Load, List<SetupRow> Setup, List<IdleRow> Idle, List<string> Notes);

internal sealed record MachineInfo(string Cpu, int Cores, long MemTotalMb, string Kernel, string Os, string Dotnet, string Nginx,
    string LoadAtStart, string LoadAtEnd, string StartedUtc, string FinishedUtc, string Commit);

internal sealed record RunSettings(double WarmupSeconds, double DurationSeconds, int Window, int[] Sizes, int[] PhoneCounts, int[] IdleLevels, int SetupBinaries, int SetupPhonesPer,
    string[]? Rows = null, int Reps = 1);

/// <summary>
/// One load run. <see cref="Scenario"/>: <c>throughput</c> (closed loop), <c>latency</c> (open loop at
/// <see cref="LoadPct"/> % of the row's lowest maximum), <c>fanout</c> / <c>fanout-latency</c> (one binary, 16 phones);
/// for the extra rows (<c>--rows</c>, <see cref="RowSpec"/>) <c>row</c> (closed loop with <see cref="Window"/>
/// frames in flight, repetition <see cref="Rep"/>), <c>row-latency</c> (open loop at 75 % of the lowest maximum);
/// and for every relay target <c>latency-self</c> / <c>row-self</c>: open loop at 75 % of that relay's own maximum
/// (the collapse check: <see cref="Disconnects"/> = phones dropped).
/// CPU figures are microseconds of CPU per round trip: the target (relay or nginx), the generator's
/// phones, the peer (the binaries worker for the relay, the echo for nginx and direct) and the whole machine.
/// <see cref="Tls"/>: every connection of the row was <c>wss</c> (<see cref="TlsInfo"/>: what the phones negotiated).
/// <see cref="PerfPerRt"/> (<c>--perf-stat</c>): the target's system calls and scheduler switches per round trip (<see cref="PerfStat"/>).
/// </summary>
internal sealed record LoadRow(string Scenario, string Target, int Size, int Phones, int Binaries, int LoadPct, double OfferedRate,
    double RoundTripsPerSec, double PayloadMBps, double P50Us, double P99Us, double P999Us, double MaxUs,
    double TargetCpuUs, double GeneratorCpuUs, double PeerCpuUs, double MachineCpuUs, double MachineBusyPct,
    long Lost, long OutOfOrder, long Corrupt, long Disconnects, string Load1, double TargetSwitchesPerRt = 0,
    int Window = 0, bool Tls = false, int Rep = 0, string TlsInfo = "", Dictionary<string, double>? PerfPerRt = null);

/// <summary>Connection setup: binaries claiming and phones registering per second (upgrades per second for the baselines).</summary>
internal sealed record SetupRow(string Target, int Binaries, double BinariesPerSec, int Phones, double PhonesPerSec, string Load1);

/// <summary>Idle memory at <see cref="Connections"/> connections (0 = the warmed-up empty process).</summary>
/// <remarks>
/// <see cref="GcDumpBytes"/>: live objects walked by dotnet-gcdump (after the full GC it forces);
/// <see cref="GcHeapBytes"/>: the runtime's heap size after that GC, which includes free space between
/// objects (<see cref="GcFragmentationBytes"/>).
/// </remarks>
internal sealed record IdleRow(string Target, int Connections, double RssKb, double PssKb, double GcHeapBytes, double GcDumpBytes, string Load1, string? Error,
    double GcFragmentationBytes = 0);
