using PyrycodeRelay.GoCompat;
using System.Globalization;
using System.Text;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Boot step 14, the Linux capability allowlist (docs/operations.md#linux-capabilities): the effective set (<c>CapEff</c> of
/// <c>/proc/self/status</c>) may hold nothing but <c>CAP_NET_BIND_SERVICE</c> (bit 10). Unconditional on
/// Linux; other operating systems skip it with one INFO line.
/// </summary>
internal static class LinuxCapabilities
{
    /// <summary>The refusal message.</summary>
    public const string Message = "refusing to start: unexpected Linux capabilities";

    /// <summary>The only allowed bit.</summary>
    public const int NetBindServiceBit = 10;

    private const string Fix =
        "start the relay with an empty effective capability set, e.g. docker run --cap-drop=ALL --cap-add=NET_BIND_SERVICE, " +
        "or capabilities dropped by the service manager";

    private static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>The capability name of <paramref name="bit"/> (0–40), or null.</summary>
    public static string? NameOf(int bit) => bit >= 0 && bit < Names.Length ? Names[bit] : null;

    /// <summary>
    /// Step 14 against <paramref name="env"/>. Linux only; on another OS returns null and the caller logs
    /// <c>skipping linux-only capability check on &lt;os&gt;</c>.
    /// </summary>
    public static BootRefusal? Check(IBootEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env.OperatingSystem != "linux")
        {
            return null;
        }

        string status;
        try
        {
            status = env.ReadProcSelfStatus();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Refuse("relay: reading /proc/self/status: " + ex.Message);
        }

        return CheckStatus(status) is { } err ? Refuse(err) : null;
    }

    /// <summary>Checks the text of <c>/proc/self/status</c>; returns null when allowed, else the <c>err</c> text.</summary>
    public static string? CheckStatus(string procSelfStatus)
    {
        ArgumentNullException.ThrowIfNull(procSelfStatus);
        string? raw = null;
        foreach (var line in procSelfStatus.Split('\n'))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                raw = line["CapEff:".Length..].Trim();
                break;
            }
        }

        if (raw is null)
        {
            return "relay: /proc/self/status missing CapEff line";
        }

        if (ParseMask(raw) is { } detail)
        {
            return $"relay: parsing /proc/self/status CapEff {GoQuote.Quote(raw)}: {detail}";
        }

        var mask = ulong.Parse(raw, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return CheckMask(mask);
    }

    /// <summary>Returns null when <paramref name="mask"/> holds no bit besides bit 10, else the refusal text.</summary>
    public static string? CheckMask(ulong mask)
    {
        var offending = mask & ~(1UL << NetBindServiceBit);
        if (offending == 0)
        {
            return null;
        }

        return "relay: process has unexpected effective Linux capabilities: " + DescribeBits(offending) +
            "; allowlist: [CAP_NET_BIND_SERVICE (bit 10)]; drop with --cap-drop=ALL --cap-add=NET_BIND_SERVICE or equivalent";
    }

    /// <summary>Every set bit of <paramref name="mask"/> ascending, as <c>CAP_NAME (bit N)</c> or <c>bit N</c>, joined by <c>, </c>.</summary>
    public static string DescribeBits(ulong mask)
    {
        var sb = new StringBuilder();
        for (var bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) == 0)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            var b = bit.ToString(CultureInfo.InvariantCulture);
            sb.Append(NameOf(bit) is { } name ? $"{name} (bit {b})" : $"bit {b}");
        }

        return sb.ToString();
    }

    // Validates the hex mask text: 1–16 hex digits, no prefix or sign. Returns null or the detail.
    private static string? ParseMask(string raw)
    {
        if (raw.Length == 0)
        {
            return "invalid syntax";
        }

        foreach (var c in raw)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return "invalid syntax";
            }
        }

        return raw.Length > 16 ? "value out of range" : null;
    }

    private static BootRefusal Refuse(string err) =>
        new(Message, 2, [F("err", err), F("fix", Fix)], l => BootLog.UnexpectedCapabilities(l, err, Fix));
}
