"""X-Mozello-Hash: base64 HMAC-SHA256 of the raw body, keyed with the Store API key (spec §3.4)."""

from adapters.mozello.signature import sign, verify

KEY = "MZL-0000000-0123456789abcdef0123456789abcdef"
BODY = b'{"event":"PAYMENT_CHANGED","order":{"order_id":"M-1234567-42","payment_status":"paid"}}'
ESCAPED_BODY = (
    b'{"event":"PAYMENT_CHANGED","order":{"order_id":"M-1234567-42","payment_status":"paid",'
    b'"print_url":"https:\\/\\/example.mozello.com\\/m\\/invoice\\/abc\\/"}}'
)


def test_the_spec_test_vector_signs_to_the_documented_hash():
    assert len(BODY) == 87
    assert sign(BODY, KEY) == "ciP7KL/kBAMFaRVHdV+mSk46CURz/IsMoDPDXlxTQsU="


def test_the_spec_test_vector_with_escaped_slashes_signs_to_the_documented_hash():
    assert sign(ESCAPED_BODY, KEY) == "7c+MvAbcEUGScbCfrkhkQTdM/VBK6WGfQQZIKAd4PyU="


def test_both_documented_vectors_verify():
    assert verify(BODY, "ciP7KL/kBAMFaRVHdV+mSk46CURz/IsMoDPDXlxTQsU=", KEY)
    assert verify(ESCAPED_BODY, "7c+MvAbcEUGScbCfrkhkQTdM/VBK6WGfQQZIKAd4PyU=", KEY)


def test_any_changed_byte_of_the_body_fails_verification():
    # Given the signature of the body
    header = sign(BODY, KEY)
    for position in range(len(BODY)):
        # When one byte is changed
        tampered = bytearray(BODY)
        tampered[position] ^= 0x01
        # Then the signature no longer verifies
        assert not verify(bytes(tampered), header, KEY), position


def test_unescaped_reserialisation_of_the_same_json_fails_verification():
    header = "7c+MvAbcEUGScbCfrkhkQTdM/VBK6WGfQQZIKAd4PyU="
    reserialised = ESCAPED_BODY.replace(b"\\/", b"/")
    assert not verify(reserialised, header, KEY)


def test_a_missing_or_empty_header_fails_verification():
    assert not verify(BODY, None, KEY)
    assert not verify(BODY, "", KEY)


def test_another_key_fails_verification():
    assert not verify(BODY, sign(BODY, KEY), KEY[:-1] + "0")


def test_a_hex_digest_is_not_accepted_as_the_signature():
    import hashlib
    import hmac

    hex_digest = hmac.new(KEY.encode(), BODY, hashlib.sha256).hexdigest()
    assert not verify(BODY, hex_digest, KEY)


def test_a_non_ascii_header_fails_verification_without_raising():
    assert not verify(BODY, "ciP7KL/kBAMFaRVHdV+mSk46CURz/IsMoDPDXlxTQsŪ=", KEY)
