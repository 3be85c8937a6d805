using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>
/// Creates the <see cref="HttpClient"/> used for ACME traffic only. Extra roots (from <c>--acme-ca-file</c>)
/// are trusted in addition to the system store, and only by this client: a server certificate that the
/// system rejects for chain reasons is re-validated with an <see cref="X509Chain"/> in
/// <see cref="X509ChainTrustMode.CustomRootTrust"/> mode over those roots. Name mismatches are never accepted.
/// </summary>
internal static class AcmeHttpClientFactory
{
    /// <summary>Loads every CERTIFICATE block of a PEM bundle. Throws when the file is unreadable or holds none.</summary>
    public static X509Certificate2Collection LoadRoots(string pemPath)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pemPath);
        if (roots.Count == 0)
        {
            throw new InvalidDataException($"no PEM certificates in {pemPath}");
        }

        return roots;
    }

    /// <summary>Creates the client; <paramref name="extraRoots"/> may be empty.</summary>
    public static HttpClient Create(X509Certificate2Collection extraRoots, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(extraRoots);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
        };
        if (extraRoots.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                Validate(extraRoots, cert, chain, errors);
        }

        var client = new HttpClient(handler) { Timeout = requestTimeout };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("pyrycode-relay-acme/1");
        return client;
    }

    /// <summary>The validation rule described on the class, exposed for tests.</summary>
    public static bool Validate(X509Certificate2Collection extraRoots, X509Certificate? cert, X509Chain? presented,
        SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(extraRoots);
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || cert is null)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
