namespace PyrycodeRelay.Registry;

/// <summary>The connection counts of <c>/healthz</c> and the gauges; each node counts the connections it holds itself.</summary>
internal interface IRegistryCounts
{
    /// <summary>Holders that are live (a gracing binary is not counted).</summary>
    int ConnectedBinaries { get; }

    /// <summary>Registered phones over all server-ids, including phones of gracing binaries.</summary>
    int ConnectedPhones { get; }
}
