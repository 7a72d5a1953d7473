using System.Security.Cryptography;

namespace Keel.Reproduction.Attestations;

/// <summary>
/// Signing keys and trusted public keys, per user: <c>$KEEL_HOME</c> or <c>~/.keel</c>, with
/// <c>keys/&lt;id&gt;.key</c> (PKCS#8 PEM, mode 0600), <c>keys/&lt;id&gt;.pub</c>, <c>keys/default</c>
/// naming the signing key, and <c>trusted/&lt;id&gt;.pub</c>. A key id is <c>sha256:</c> and the
/// SHA-256 of the public key's SubjectPublicKeyInfo (DER).
/// </summary>
public sealed class KeyStore(string home)
{
    public static KeyStore Default() =>
        new(Environment.GetEnvironmentVariable("KEEL_HOME") is { Length: > 0 } h
            ? h
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keel"));

    public string Home { get; } = home;

    private string Keys => Path.Combine(Home, "keys");

    private string Trusted => Path.Combine(Home, "trusted");

    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Makes a new P-256 key, the default signing key, and trusts it; returns its id and public key file.</summary>
    public (string KeyId, string PublicFile) Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = KeyIdOf(key);
        Directory.CreateDirectory(Keys);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var priv = Path.Combine(Keys, FileName(id) + ".key");
        // Created with 0600 before any byte is written, so the private key is never readable by others.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var w = new StreamWriter(new FileStream(priv, options))) w.Write(key.ExportPkcs8PrivateKeyPem());
        var pub = Path.Combine(Keys, FileName(id) + ".pub");
        File.WriteAllText(pub, key.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(Path.Combine(Keys, "default"), id + "\n");
        Trust(pub);
        return (id, pub);
    }

    /// <summary>Trusts a public key file (PEM); returns its id.</summary>
    public string Trust(string publicKeyFile)
    {
        if (!File.Exists(publicKeyFile)) throw new KeelException($"{publicKeyFile} does not exist");
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(publicKeyFile));
        }
        catch (ArgumentException e)
        {
            throw new KeelException($"{publicKeyFile} is not a PEM public key: {e.Message}");
        }
        if (key.KeySize != 256) throw new KeelException($"{publicKeyFile} is not an ECDSA P-256 key");
        var id = KeyIdOf(key);
        Directory.CreateDirectory(Trusted);
        File.WriteAllText(Path.Combine(Trusted, FileName(id) + ".pub"), key.ExportSubjectPublicKeyInfoPem());
        return id;
    }

    /// <summary>The default signing key and its id, or null when none was generated.</summary>
    public (ECDsa Key, string KeyId)? SigningKey()
    {
        var def = Path.Combine(Keys, "default");
        if (!File.Exists(def)) return null;
        var id = File.ReadAllText(def).Trim();
        var file = Path.Combine(Keys, FileName(id) + ".key");
        if (!File.Exists(file)) return null;
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return (key, id);
    }

    /// <summary>The public key file of the default signing key, or null.</summary>
    public string? SigningPublicKeyFile()
    {
        var def = Path.Combine(Keys, "default");
        return File.Exists(def) ? Path.Combine(Keys, FileName(File.ReadAllText(def).Trim()) + ".pub") : null;
    }

    /// <summary>A trusted public key by id, or null.</summary>
    public ECDsa? TrustedKey(string keyId)
    {
        var file = Path.Combine(Trusted, FileName(keyId) + ".pub");
        if (!File.Exists(file)) return null;
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return KeyIdOf(key) == keyId ? key : null;
    }

    private static string FileName(string keyId)
    {
        var hex = keyId.StartsWith("sha256:", StringComparison.Ordinal) ? keyId[7..] : keyId;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower)) throw new KeelException($"'{keyId}' is not a key id (sha256:<64 hex>)", ExitCodes.CheckFailed);
        return hex;
    }
}
