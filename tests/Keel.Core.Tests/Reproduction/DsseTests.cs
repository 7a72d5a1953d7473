using System.Security.Cryptography;
using System.Text;
using Keel.Reproduction.Attestations;

namespace Keel.Core.Tests.Reproduction;

public sealed class DsseTests
{
    [Fact]
    public void Pae_SpecTestVector_Matches()
    {
        var pae = Dsse.Pae("http://example.com/HelloWorld", "hello world"u8);

        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.UTF8.GetString(pae));
    }

    [Fact]
    public void Verify_EveryByteOfTheEnvelopeFlipped_NeverAccepted()
    {
        using var temp = new TempDir();
        var keys = new KeyStore(temp.Path);
        keys.Generate();
        var (key, id) = keys.SigningKey()!.Value;
        var json = Dsse.Serialize(Dsse.Sign(Dsse.InTotoPayloadType, """{"_type":"https://in-toto.io/Statement/v1","subject":[]}"""u8.ToArray(), key, id));
        key.Dispose();
        Assert.True(AttestationVerifier.Verify(json, keys, null).Valid);
        var bytes = Encoding.UTF8.GetBytes(json);

        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x01;
            var accepted = false;
            try
            {
                accepted = AttestationVerifier.Verify(Encoding.UTF8.GetString(copy), keys, null).Valid;
            }
            catch (KeelException)
            {
            }
            Assert.False(accepted, $"flipping byte {i} ('{(char)bytes[i]}') went unnoticed");
        }
    }

    [Fact]
    public void Verify_SignedByAnotherKey_RefusedWithItsKeyId()
    {
        using var temp = new TempDir();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = KeyStore.KeyIdOf(other);
        var json = Dsse.Serialize(Dsse.Sign(Dsse.InTotoPayloadType, "{}"u8.ToArray(), other, id));

        var e = Assert.Throws<KeelException>(() => AttestationVerifier.Verify(json, new KeyStore(temp.Path), null));

        Assert.Contains($"untrusted key {id}", e.Message);
    }
}
