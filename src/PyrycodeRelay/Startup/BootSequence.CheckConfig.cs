using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Startup;

/// <summary><c>--check-config</c> (docs/operations.md#check-config): every boot check, then the effective configuration.</summary>
internal static partial class BootSequence
{
    /// <summary>
    /// After steps 1–18 passed: runs the certificate source setup (20t) and the listener checks (21) without binding
    /// anything, then prints the effective configuration on <paramref name="stdout"/>. Returns 0, or 2 after the one
    /// ERROR line of the first refusal (a certificate-source failure included). Disposes the plan's logger factory.
    /// </summary>
    public static async Task<int> CheckConfigAsync(BootPlan plan, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(stdout);
        RelayTls? tls = null;
        try
        {
            if (plan.Mode != RelayMode.Insecure)
            {
                var setup = TlsSetup.Create(plan.Options, plan.LoggerFactory, TimeProvider.System);
                if (!setup.Succeeded)
                {
                    return 2; // already logged: autocert / tls setup failed
                }

                tls = setup.Tls;
            }

            if (CheckListeners(plan, tls, out _) is { } refusal)
            {
                refusal.Log(plan.Logger);
                return 2;
            }

            EffectiveConfig.Write(stdout, plan);
            await stdout.FlushAsync();
            return 0;
        }
        finally
        {
            if (tls is not null)
            {
                await tls.DisposeAsync();
            }

            plan.FcmKey?.Dispose();
            plan.LoggerFactory.Dispose();
        }
    }
}
