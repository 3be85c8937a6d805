using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tls;

/// <summary>A certificate ready for handshakes: the leaf with its key plus the chain to send.</summary>
internal sealed class ServedCertificate
{
    /// <summary>Wraps a leaf (with private key) and its intermediates.</summary>
    public ServedCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        Leaf = leaf;
        Context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    /// <summary>The leaf certificate (with private key).</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>What <see cref="SslServerAuthenticationOptions.ServerCertificateContext"/> gets.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>Start of validity.</summary>
    public DateTimeOffset NotBefore => new(Leaf.NotBefore.ToUniversalTime());

    /// <summary>End of validity.</summary>
    public DateTimeOffset NotAfter => new(Leaf.NotAfter.ToUniversalTime());

    /// <summary>When renewal is due: one third of the lifetime before <see cref="NotAfter"/>.</summary>
    public DateTimeOffset RenewAt => NotAfter - ((NotAfter - NotBefore) / 3);
}
