namespace PyrycodeRelay.Hosting;

/// <summary>
/// The relay forwards on the threads that poll the sockets, as an event loop does (issue 16,
/// bench/performance-notes.md). The relay's connections are served by its epoll transport (Transport/); what
/// still goes through the runtime's socket engine (the accepts, and every socket when the epoll transport is off
/// or cannot be used) completes inline on the thread that polled it (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>,
/// one polling thread per core), with Kestrel's pipes resuming their readers inline (<c>UnsafePreferInlineScheduling</c>,
/// <see cref="Configuration.RelayOptions.TransportInline"/>). The frame path never blocks: everything it waits for is awaited.
/// </summary>
internal static class InlineIo
{
    /// <summary>The runtime's switch, read once when the first socket operation starts.</summary>
    public const string CompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline socket completions on for this process unless the operator set the variable (<c>0</c> keeps the
    /// default thread-pool dispatch). Must run before the process starts any socket operation.
    /// Returns whether completions run inline.
    /// </summary>
    public static bool EnableForProcess()
    {
        var set = Environment.GetEnvironmentVariable(CompletionsVariable);
        if (set is null)
        {
            Environment.SetEnvironmentVariable(CompletionsVariable, "1");
            return true;
        }

        return set == "1";
    }
}
