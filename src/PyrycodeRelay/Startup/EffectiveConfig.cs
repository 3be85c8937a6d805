using System.Text;
using PyrycodeRelay.Cli;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Startup;

/// <summary>
/// The <c>--check-config</c> listing: the mode, every flag's effective value and where it came from, and the
/// environment switches. Secrets are withheld: the FCM credentials are shown as set or unset only, and the user
/// part of a URL (<c>https://user:pass@host</c>) is replaced.
/// </summary>
internal static class EffectiveConfig
{
    /// <summary>What replaces a withheld value.</summary>
    public const string Withheld = "(value withheld)";

    /// <summary>Writes the listing.</summary>
    public static void Write(TextWriter writer, BootPlan plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        var sb = new StringBuilder();
        sb.Append("# pyrycode-relay ").Append(RelayVersion.Line).Append(": configuration ok (nothing was bound)\n");
        sb.Append("mode: ").Append(ModeName(plan.Mode)).Append('\n');
        sb.Append("production: ").Append(plan.Production ? "true" : "false").Append('\n');
        sb.Append("push: ").Append(plan.FcmKey is null ? "off" : "on").Append('\n');
        foreach (var flag in FlagTable.All)
        {
            if (!EnvironmentFlags.HasVariable(flag))
            {
                continue; // --version, --check-config
            }

            var value = Redact(flag.DefaultText(plan.Options));
            sb.Append("--").Append(flag.Name).Append('=').Append(flag.QuoteDefault ? GoQuote.Quote(value) : value)
                .Append("  # ").Append(plan.Sources.SourceOf(flag.Name)).Append('\n');
        }

        sb.Append(EnvVars.Production).Append(": ").Append(plan.Production ? "1" : "unset").Append('\n');
        sb.Append(EnvVars.FcmCredentials).Append(": ").Append(plan.FcmKey is null ? "unset" : "set " + Withheld).Append('\n');
        writer.Write(sb.ToString());
    }

    /// <summary>The user information of an absolute URL is withheld; anything else is returned as is.</summary>
    public static string Redact(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? value.Replace(uri.UserInfo + "@", Withheld + "@", StringComparison.Ordinal)
            : value;
    }

    private static string ModeName(RelayMode mode) => mode switch
    {
        RelayMode.Insecure => BootLog.ModeInsecure,
        RelayMode.TlsAcme => BootLog.ModeAutocert,
        _ => BootLog.ModeStaticCert,
    };
}
