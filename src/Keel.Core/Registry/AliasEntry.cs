namespace Keel.Registry;

/// <summary>One move of an alias: from <see cref="SetAt"/> on, <c>name@alias</c> meant this version.</summary>
public sealed record AliasEntry(string Name, string Alias, int Version, DateTimeOffset SetAt);
