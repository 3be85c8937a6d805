namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>A second relay build or environment measured as target <c>relay-b</c> in the same run (A/B of a proposed change).</summary>
internal sealed record RelayVariant(string? Dll, IReadOnlyDictionary<string, string> Environment);
