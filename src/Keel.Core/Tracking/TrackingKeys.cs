namespace Keel.Tracking;

/// <summary>The rules for param, metric and tag keys and values, checked before anything is written.</summary>
public static class TrackingKeys
{
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;

    /// <summary>Throws a <see cref="KeelException"/> naming the key when it is not a valid key.</summary>
    public static void Validate(string what, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key.Length > MaxKeyLength)
            throw new KeelException($"{what} key '{key}' must be 1 to {MaxKeyLength} characters");
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/'))
                throw new KeelException($"{what} key '{key}' contains '{c}': use letters, digits, '_', '-', '.' and '/'");
        }
        if (key[0] is '.' or '/' || key[^1] is '.' or '/')
            throw new KeelException($"{what} key '{key}' must not start or end with '.' or '/'");
    }

    public static void ValidateParamValue(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxParamValueLength)
            throw new KeelException($"param '{key}' is {value.Length} characters long; the limit is {MaxParamValueLength}");
    }
}
