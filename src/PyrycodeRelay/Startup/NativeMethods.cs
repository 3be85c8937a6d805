using System.Runtime.InteropServices;

namespace PyrycodeRelay.Startup;

/// <summary>P/Invoke declarations for the boot checks (Unix only).</summary>
internal static class NativeMethods
{
    /// <summary>POSIX <c>geteuid(2)</c>; never fails.</summary>
    [DllImport("libc", EntryPoint = "geteuid", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern uint GetEffectiveUid();
}
