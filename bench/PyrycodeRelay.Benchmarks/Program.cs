using BenchmarkDotNet.Running;

namespace PyrycodeRelay.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/PyrycodeRelay.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by the command line (BenchmarkDotNet switcher syntax).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
