using Microsoft.Extensions.Logging;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Startup;

/// <summary>The string-valued rules of step 8: trusted CIDRs, ACME directory, FCM project and URLs.</summary>
internal static partial class FlagRules
{
    private static BootRefusal? TrustedCidrs(string value)
    {
        if (CidrList.TryParse(value, out _) is not { } err)
        {
            return null;
        }

        const string Fix = "pass comma-separated IPv4/IPv6 CIDRs such as 10.0.0.0/8,fd00::/8, or omit the flag to accept any source";
        return Invalid("proxy-protocol-trusted-cidrs", err, value, Fix,
            l => BootLog.InvalidProxyProtocolTrustedCidrs(l, err, value, Fix));
    }

    private static BootRefusal? AcmeDirectory(string value)
    {
        if (IsAbsoluteUrl(value, allowHttp: false))
        {
            return null;
        }

        var err = "relay: --acme-directory must be an absolute https URL, got " + GoQuote.Quote(value);
        const string Fix = "pass the ACME directory as an absolute https URL, or omit the flag for Let's Encrypt";
        return Invalid("acme-directory", err, value, Fix, l => BootLog.InvalidAcmeDirectory(l, err, value, Fix));
    }

    private static BootRefusal? FcmProjectId(string value)
    {
        var ok = value.Length > 0;
        foreach (var c in value)
        {
            ok &= c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-';
        }

        if (ok)
        {
            return null;
        }

        var err = "relay: --fcm-project-id must be non-empty and contain only a-z, 0-9 and -, got " + GoQuote.Quote(value);
        const string Fix = "pass the Firebase project id, or omit the flag for the default";
        return Invalid("fcm-project-id", err, value, Fix, l => BootLog.InvalidFcmProjectId(l, err, value, Fix));
    }

    private static BootRefusal? FcmUrl(string flag, string value, Action<ILogger, string, string, string> log)
    {
        if (IsAbsoluteUrl(value, allowHttp: true))
        {
            return null;
        }

        var err = $"relay: --{flag} must be an absolute http or https URL, got {GoQuote.Quote(value)}";
        const string Fix = "pass an absolute http or https URL, or omit the flag for the default";
        return Invalid(flag, err, value, Fix, l => log(l, err, value, Fix));
    }

    /// <summary>An absolute <c>https</c> (or, when allowed, <c>http</c>) URL with a host.</summary>
    internal static bool IsAbsoluteUrl(string value, bool allowHttp)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return false;
        }

        // Uri lower-cases the scheme; the text must also start with it (rejects implicit file:// paths).
        var schemeOk = uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp);
        return schemeOk && value.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase);
    }
}
