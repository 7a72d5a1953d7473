using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Keel.Reproduction.Attestations;

/// <summary>One signature of a DSSE envelope.</summary>
public sealed record DsseSignature(string KeyId, byte[] Signature);

/// <summary>A parsed DSSE envelope: payload type, payload bytes, signatures.</summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures);

/// <summary>
/// Dead Simple Signing Envelope v1: signatures cover the pre-authentication encoding
/// <c>"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, never the payload alone.
/// ECDSA P-256 with SHA-256, DER-encoded signatures (as cosign and in-toto write them).
/// </summary>
public static class Dsse
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>The pre-authentication encoding of a payload.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.UTF8.GetBytes($"DSSEv1 {type.Length} {payloadType} {payload.Length} ");
        var result = new byte[head.Length + payload.Length];
        head.CopyTo(result, 0);
        payload.CopyTo(result.AsSpan(head.Length));
        return result;
    }

    public static DsseEnvelope Sign(string payloadType, byte[] payload, ECDsa key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sig = key.SignData(Pae(payloadType, payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new DsseEnvelope(payloadType, payload, [new DsseSignature(keyId, sig)]);
    }

    public static bool Verify(DsseEnvelope envelope, DsseSignature signature, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(publicKey);
        return publicKey.VerifyData(Pae(envelope.PayloadType, envelope.Payload), signature.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>The envelope as compact JSON (no insignificant whitespace, so every byte carries meaning).</summary>
    public static string Serialize(DsseEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var sigs = new JsonArray();
        foreach (var s in envelope.Signatures) sigs.Add(new JsonObject { ["keyid"] = s.KeyId, ["sig"] = Convert.ToBase64String(s.Signature) });
        return new JsonObject
        {
            ["payloadType"] = envelope.PayloadType,
            ["payload"] = Convert.ToBase64String(envelope.Payload),
            ["signatures"] = sigs,
        }.ToJsonString();
    }

    /// <summary>Parses an envelope strictly: required fields, canonical base64 only (so no bit can change without changing the bytes).</summary>
    public static DsseEnvelope Parse(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject ?? throw new KeelException("the attestation is not a DSSE envelope (not a JSON object)", ExitCodes.CheckFailed);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new KeelException($"damaged attestation: not valid JSON ({e.Message}); it was altered or cut short", ExitCodes.CheckFailed);
        }
        var type = Str(root, "payloadType");
        var payload = Base64(Str(root, "payload"), "payload");
        if (root["signatures"] is not JsonArray arr || arr.Count == 0) throw new KeelException("damaged DSSE envelope: it has no signatures", ExitCodes.CheckFailed);
        var sigs = arr.Select(s => s as JsonObject ?? throw new KeelException("a signature entry is not an object", ExitCodes.CheckFailed))
            .Select(s => new DsseSignature(Str(s, "keyid"), Base64(Str(s, "sig"), "sig"))).ToList();
        return new DsseEnvelope(type, payload, sigs);
    }

    private static string Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new KeelException($"damaged DSSE envelope: '{key}' is missing or not a string; the file was altered or cut short after it was written (a bare statement has '_type' and none of payloadType, payload, signatures)", ExitCodes.CheckFailed);

    private static byte[] Base64(string text, string field)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new KeelException($"the attestation's {field} is not valid base64; it was altered", ExitCodes.CheckFailed);
        }
        if (Convert.ToBase64String(bytes) != text) throw new KeelException($"the attestation's {field} is not canonical base64; it was altered", ExitCodes.CheckFailed);
        return bytes;
    }
}
