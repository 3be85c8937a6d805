using System.Runtime.InteropServices;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// SIGTERM and SIGINT (docs/operations.md#shutdown): <see cref="Received"/> completes on the first; a second signal during
/// the drain is ignored. Register it before the first line that tells a supervisor the relay is starting.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _interrupt;

    private ShutdownSignal()
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    /// <summary>Completes when the first SIGTERM or SIGINT arrives.</summary>
    public Task Received => _received.Task;

    /// <summary>Starts catching the signals (the default action, ending the process, no longer runs).</summary>
    public static ShutdownSignal Register() => new();

    /// <inheritdoc />
    public void Dispose()
    {
        _term.Dispose();
        _interrupt.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _received.TrySetResult();
    }
}
