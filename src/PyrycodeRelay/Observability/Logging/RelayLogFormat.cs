namespace PyrycodeRelay.Observability.Logging;

/// <summary>The relay's log output formats (docs/logging.md#formats, flag <c>--log-format</c>).</summary>
internal enum RelayLogFormat
{
    /// <summary><c>time=… level=… msg=… key=value …</c>, one event per line (the default).</summary>
    Text = 0,

    /// <summary>One JSON object per line: <c>{"time":…,"level":…,"msg":…,"key":value,…}</c>.</summary>
    Json = 1,
}
