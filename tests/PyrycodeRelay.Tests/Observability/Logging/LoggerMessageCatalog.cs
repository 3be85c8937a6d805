using System.Reflection;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>One <c>[LoggerMessage]</c> method found by reflection.</summary>
/// <param name="Method">The method.</param>
/// <param name="Attribute">Its attribute.</param>
/// <param name="Keys">The placeholders of its Message template, in order.</param>
internal sealed record LoggedEvent(MethodInfo Method, LoggerMessageAttribute Attribute, IReadOnlyList<string> Keys)
{
    /// <summary>Type.Method, for failure messages.</summary>
    public string Where => $"{Method.DeclaringType?.FullName}.{Method.Name}";

    /// <inheritdoc/>
    public override string ToString() => $"{Where} ({Attribute.EventId} {Attribute.EventName})";
}

/// <summary>Every <c>[LoggerMessage]</c> method of the relay assembly, found by reflection.</summary>
internal static class LoggerMessageCatalog
{
    /// <summary>The relay assembly.</summary>
    public static Assembly RelayAssembly => typeof(PyrycodeRelay.Configuration.RelayOptions).Assembly;

    /// <summary>All events declared in <paramref name="assembly"/> (default: the relay's), ordered by EventId.</summary>
    public static IReadOnlyList<LoggedEvent> All(Assembly? assembly = null)
    {
        Type?[] types;
        try
        {
            types = (assembly ?? RelayAssembly).GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types;
        }

        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
            | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var result = new List<LoggedEvent>();
        foreach (var type in types)
        {
            if (type is null)
            {
                continue;
            }

            foreach (var method in type.GetMethods(flags))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } attribute)
                {
                    result.Add(new(method, attribute, TemplateKeys(attribute.Message)));
                }
            }
        }

        return [.. result.OrderBy(e => e.Attribute.EventId).ThenBy(e => e.Where, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The placeholder names of a message template in order: <c>{name}</c>, <c>{name,align}</c> and
    /// <c>{name:format}</c> give <c>name</c>; <c>{{</c> and <c>}}</c> are literal braces.
    /// </summary>
    public static List<string> TemplateKeys(string template)
    {
        var keys = new List<string>();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '{')
            {
                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i++;
                    continue;
                }

                var end = template.IndexOf('}', i);
                if (end < 0)
                {
                    throw new FormatException($"unclosed placeholder in: {template}");
                }

                var name = template[(i + 1)..end];
                var cut = name.IndexOfAny([',', ':']);
                keys.Add(cut >= 0 ? name[..cut] : name);
                i = end;
            }
            else if (template[i] == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                i++;
            }
        }

        return keys;
    }
}
