"""Base45 encoding (RFC 9285), used because QR alphanumeric mode stores it at 5.5 bits a char."""

from printing.errors import Base45Error

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}


def b45encode(data: bytes) -> str:
    """Encode bytes: each pair of bytes becomes three characters, a last odd byte two."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45 text; `Base45Error` on a bad character, length or value (RFC 9285 §6)."""
    try:
        values = [_VALUES[char] for char in text]
    except KeyError as e:
        raise Base45Error(f"character {e.args[0]!r} is not in the Base45 alphabet") from e
    if len(values) % 3 == 1:
        raise Base45Error("Base45 text cannot have a length of 3n+1")
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        if len(chunk) == 3:
            if n > 0xFFFF:
                raise Base45Error("Base45 triplet out of range")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise Base45Error("Base45 pair out of range")
            out.append(n)
    return bytes(out)
