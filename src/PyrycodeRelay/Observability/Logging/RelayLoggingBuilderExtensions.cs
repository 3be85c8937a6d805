using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>Registration of <see cref="RelayLoggerProvider"/> on an <see cref="ILoggingBuilder"/>.</summary>
internal static class RelayLoggingBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="RelayLoggerProvider"/> the only provider: removes every other provider (the host's
    /// default console logger would write framework lines to stdout) and sets the minimum level to INFO.
    /// <paramref name="output"/> stays owned by the caller; the container disposes (flushes) the provider.
    /// </summary>
    public static ILoggingBuilder AddRelayLogging(
        this ILoggingBuilder builder, RelayLogFormat format, Stream output, TimeProvider time,
        LogLevel minimumLevel = RelayLoggerProvider.MinimumLevel)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        return UseOnly(builder, minimumLevel, () => new RelayLoggerProvider(format, output, time, minimumLevel));
    }

    /// <summary>As <see cref="AddRelayLogging(ILoggingBuilder, RelayLogFormat, Stream, TimeProvider)"/>, writing to a <see cref="TextWriter"/>.</summary>
    public static ILoggingBuilder AddRelayLogging(
        this ILoggingBuilder builder, RelayLogFormat format, TextWriter output, TimeProvider time,
        LogLevel minimumLevel = RelayLoggerProvider.MinimumLevel)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        return UseOnly(builder, minimumLevel, () => new RelayLoggerProvider(format, output, time, minimumLevel));
    }

    /// <summary>Makes <paramref name="provider"/> the only provider (the container disposes, i.e. flushes, it).</summary>
    public static ILoggingBuilder AddRelayLogging(this ILoggingBuilder builder, RelayLoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return UseOnly(builder, provider.Level, () => provider);
    }

    private static ILoggingBuilder UseOnly(ILoggingBuilder builder, LogLevel minimumLevel, Func<RelayLoggerProvider> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ClearProviders();
        builder.SetMinimumLevel(minimumLevel);
        builder.Services.AddSingleton<ILoggerProvider>(_ => create());
        return builder;
    }
}
