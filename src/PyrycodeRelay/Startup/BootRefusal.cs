using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>
/// A boot check that refused: the ERROR log message (the event name), its fields in the documented
/// order, and the exit code. <see cref="Log"/> writes it through the matching <c>[LoggerMessage]</c> event.
/// </summary>
internal sealed class BootRefusal
{
    private readonly Action<ILogger> _log;
    private readonly KeyValuePair<string, object?>[] _fields;

    internal BootRefusal(string message, int exitCode, KeyValuePair<string, object?>[] fields, Action<ILogger> log)
    {
        Message = message;
        ExitCode = exitCode;
        _fields = fields;
        _log = log;
    }

    /// <summary>The log message, e.g. <c>refusing to start: multi-instance deploy detected</c>.</summary>
    public string Message { get; }

    /// <summary>The process exit code (2 for every configuration refusal).</summary>
    public int ExitCode { get; }

    /// <summary>The log fields (key, value) in the documented order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Fields => _fields;

    /// <summary>The <c>err</c> field, when the refusal has one.</summary>
    public string? Err => Field("err") as string;

    /// <summary>The value of field <paramref name="key"/>, or null.</summary>
    public object? Field(string key)
    {
        foreach (var kv in _fields)
        {
            if (kv.Key == key)
            {
                return kv.Value;
            }
        }

        return null;
    }

    /// <summary>Writes the ERROR line.</summary>
    public void Log(ILogger logger) => _log(logger);

    /// <inheritdoc />
    public override string ToString() => Err is { } err ? $"{Message}: {err}" : Message;

    internal static KeyValuePair<string, object?> F(string key, object? value) => new(key, value);
}
