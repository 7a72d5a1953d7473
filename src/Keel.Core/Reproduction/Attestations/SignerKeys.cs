namespace Keel.Reproduction.Attestations;

/// <summary>
/// Public keys of signers that came in imported bundles, kept in the workspace
/// (<c>.keel/signers/&lt;hex&gt;.pub</c>) so a colleague can look at them and trust one with
/// <c>keel keys trust FILE</c>. Keeping a key here trusts nothing: only the user's own key
/// store (<see cref="KeyStore"/>) decides what is trusted.
/// </summary>
public static class SignerKeys
{
    public const string Folder = "signers";

    public static string Dir(string keelDir) => Path.Combine(keelDir, Folder);

    /// <summary>Writes a signer's PEM public key (named by its key id) and returns the file.</summary>
    public static string Save(string keelDir, string keyId, byte[] pem)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (Hex(keyId) is not { Length: 64 } hex || !hex.All(char.IsAsciiHexDigitLower)) throw new KeelException($"'{keyId}' is not a key id (sha256:<64 hex>)");
        var dir = Dir(keelDir);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, Hex(keyId) + ".pub");
        var temp = file + ".tmp";
        File.WriteAllBytes(temp, pem);
        File.Move(temp, file, overwrite: true);
        return file;
    }

    /// <summary>The kept public key file of <paramref name="keyId"/>, or null.</summary>
    public static string? PathOf(string? signersDir, string keyId)
    {
        if (signersDir is null || keyId.Length != 71 || !keyId.StartsWith("sha256:", StringComparison.Ordinal)) return null;
        var file = Path.Combine(signersDir, Hex(keyId) + ".pub");
        return File.Exists(file) ? file : null;
    }

    /// <summary>A key id grouped for reading aloud and comparing by eye: <c>3f2a91c0 5be1... (SHA-256 of the public key)</c>.</summary>
    public static string Fingerprint(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var hex = Hex(keyId);
        return string.Join(' ', Enumerable.Range(0, (hex.Length + 7) / 8).Select(i => hex.Substring(i * 8, Math.Min(8, hex.Length - (i * 8)))));
    }

    private static string Hex(string keyId) => keyId.StartsWith("sha256:", StringComparison.Ordinal) ? keyId[7..] : keyId;
}
