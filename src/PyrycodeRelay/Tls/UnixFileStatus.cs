using System.Runtime.InteropServices;

namespace PyrycodeRelay.Tls;

/// <summary>
/// The owner, type and permission bits of a path, read with Linux <c>statx(2)</c> through libc (its buffer
/// layout is the same on every architecture, unlike <c>struct stat</c>), plus the effective uid. Where
/// <c>statx</c> is unavailable (non-Linux, old libc) the owner is unknown and the managed APIs supply the rest.
/// </summary>
internal readonly record struct UnixFileStatus(bool IsDirectory, int Permissions, uint? OwnerUid)
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxUid = 0x8;
    private const int SIfMt = 0xF000, SIfDir = 0x4000;
    private const int ENoEnt = 2;

    /// <summary>
    /// Stats <paramref name="path"/> (following symlinks, like Go's <c>os.Stat</c>). Returns false with
    /// <paramref name="notFound"/> or an error <paramref name="detail"/> when it cannot.
    /// </summary>
    public static bool TryGet(string path, out UnixFileStatus status, out bool notFound, out string detail)
    {
        status = default;
        notFound = false;
        detail = "";
        if (OperatingSystem.IsLinux())
        {
            if (TryStatx(path, out status, out var errno, out var supported))
            {
                return true;
            }

            if (supported)
            {
                notFound = errno == ENoEnt;
                detail = Marshal.GetPInvokeErrorMessage(errno);
                return false;
            }
        }

        return TryManaged(path, out status, out notFound, out detail);
    }

    /// <summary>The effective uid of this process, or null where there is none (Windows) or it is unknown.</summary>
    public static uint? EffectiveUid()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            return NativeMethods.GetEuid();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static bool TryStatx(string path, out UnixFileStatus status, out int errno, out bool supported)
    {
        status = default;
        errno = 0;
        supported = false;
        var buffer = new byte[256];
        try
        {
            var rc = NativeMethods.Statx(AtFdCwd, path, 0, StatxType | StatxMode | StatxUid, buffer);
            supported = true;
            if (rc != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return false;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }

        // struct statx: stx_uid at offset 20 (u32), stx_mode at offset 28 (u16).
        var uid = BitConverter.ToUInt32(buffer, 20);
        int mode = BitConverter.ToUInt16(buffer, 28);
        status = new UnixFileStatus((mode & SIfMt) == SIfDir, mode & 0x1FF, uid);
        return true;
    }

    private static bool TryManaged(string path, out UnixFileStatus status, out bool notFound, out string detail)
    {
        status = default;
        notFound = false;
        detail = "";
        try
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (!info.Exists)
            {
                notFound = true;
                detail = "no such file or directory";
                return false;
            }

            var perms = OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode & 0x1FF;
            status = new UnixFileStatus(info is DirectoryInfo, perms, null);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            detail = e.Message;
            return false;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask,
            byte[] buffer);

        [DllImport("libc", EntryPoint = "geteuid")]
        public static extern uint GetEuid();
    }
}
