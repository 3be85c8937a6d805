namespace PyrycodeRelay.Fuzz;

/// <summary>One fuzz target: runs one input and throws <see cref="InvariantException"/> when the relay's behaviour is wrong.</summary>
internal interface IFuzzTarget
{
    /// <summary>Command-line name (also the corpus folder name).</summary>
    string Name { get; }

    /// <summary>Upper bound on bytes allocated for one execution (beyond it: "unbounded allocation").</summary>
    long AllocationBudget(int inputLength);

    /// <summary>Runs one input. Any exception escaping is a finding.</summary>
    void Run(ReadOnlySpan<byte> data);

    /// <summary>Small, hand-made seed inputs (written to the corpus folder by <c>seeds</c>).</summary>
    IEnumerable<byte[]> Seeds();
}
