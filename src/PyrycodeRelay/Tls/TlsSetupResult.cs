using System.Diagnostics.CodeAnalysis;

namespace PyrycodeRelay.Tls;

/// <summary>Outcome of <see cref="TlsSetup.Create"/>: the TLS front end, or the boot refusal text (exit 1).</summary>
internal sealed class TlsSetupResult
{
    internal TlsSetupResult(RelayTls? tls, string? error)
    {
        Tls = tls;
        Error = error;
    }

    /// <summary>The front end when setup succeeded.</summary>
    public RelayTls? Tls { get; }

    /// <summary>
    /// The <c>err</c> of ERROR <c>autocert setup failed</c> / <c>tls setup failed</c>; already logged by
    /// <see cref="TlsSetup.Create"/>. The process must exit 1.
    /// </summary>
    public string? Error { get; }

    /// <summary>True when <see cref="Tls"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Tls))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Tls is not null;
}
