using System.Runtime.InteropServices;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// SIGHUP (docs/operations.md#signals-and-drain): never ends the process; each signal runs <see cref="Handler"/>
/// on the thread pool (static certificates are reloaded). Registered with <see cref="ShutdownSignal"/>, before the
/// first line that tells a supervisor the relay is starting; a SIGHUP before the handler is set is ignored.
/// </summary>
internal sealed class HangupSignal : IDisposable
{
    private readonly PosixSignalRegistration _hangup;

    private HangupSignal() => _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

    /// <summary>What a SIGHUP does.</summary>
    public Action? Handler { get; set; }

    /// <summary>Starts catching SIGHUP.</summary>
    public static HangupSignal Register() => new();

    /// <inheritdoc />
    public void Dispose() => _hangup.Dispose();

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Handler is { } handler)
        {
            ThreadPool.QueueUserWorkItem(static h => h(), handler, preferLocal: false);
        }
    }
}
