"""SCRAM-SHA-256 (RFC 5802 / RFC 7677) as PostgreSQL does it, with no I/O.

Verifiers use PostgreSQL's text form, `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
(base64 parts), so the password itself is never stored. PostgreSQL ignores the user name
in client-first-message (the startup packet names the role) and so does this.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

ITERATIONS = 4096
MECHANISM = "SCRAM-SHA-256"


class ScramError(Exception):
    """The exchange failed: a malformed message or a wrong proof."""


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def _prep(password: str) -> bytes:
    # SASLprep's mapping step; PostgreSQL also falls back to the raw bytes on failure
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def salted_password(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", _prep(password), salt, iterations)


def make_verifier(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    sp = salted_password(password, salt, iterations)
    stored = hashlib.sha256(_hmac(sp, b"Client Key")).digest()
    server = _hmac(sp, b"Server Key")
    return f"{MECHANISM}${iterations}:{_b64(salt)}${_b64(stored)}:{_b64(server)}"


def parse_verifier(verifier: str) -> tuple[int, bytes, bytes, bytes]:
    try:
        mech, it_salt, keys = verifier.split("$")
        iterations, salt = it_salt.split(":")
        stored, server = keys.split(":")
        if mech != MECHANISM:
            raise ValueError(mech)
        return int(iterations), base64.b64decode(salt), base64.b64decode(stored), base64.b64decode(server)
    except ValueError as e:
        raise ScramError(f"not a SCRAM verifier: {e}") from None


def check_password(password: str, verifier: str) -> bool:
    iterations, salt, stored, server = parse_verifier(verifier)
    sp = salted_password(password, salt, iterations)
    return hmac.compare_digest(_hmac(sp, b"Server Key"), server)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScramError(f"{what} is not UTF-8") from None


def _attributes(msg: str) -> dict[str, str]:
    out = {}
    for part in msg.split(","):
        if len(part) < 2 or part[1] != "=":
            raise ScramError(f"malformed SCRAM attribute {part[:20]!r}")
        out[part[0]] = part[2:]
    return out


class ScramExchange:
    """The server's side of one exchange. A role without a verifier (or none at all) gets
    a made-up salt, so a client cannot tell whether the role exists."""

    def __init__(self, verifier: str | None, mock_seed: bytes = b"") -> None:
        if verifier:
            self.iterations, self.salt, self.stored_key, self.server_key = parse_verifier(verifier)
            self.real = True
        else:
            self.iterations = ITERATIONS
            self.salt = hashlib.sha256(b"redduck-mock" + mock_seed).digest()[:16]
            self.stored_key = self.server_key = secrets.token_bytes(32)
            self.real = False
        self.nonce = ""
        self.client_first_bare = ""
        self.server_first = ""
        self.gs2_header = ""

    def client_first(self, data: bytes) -> bytes:
        """client-first-message in, server-first-message out."""
        msg = _utf8(data, "client-first-message")
        flag, _, rest = msg.partition(",")
        if flag not in ("n", "y") and not flag.startswith("p="):
            raise ScramError("malformed SCRAM message (unexpected channel-binding flag)")
        if flag.startswith("p="):
            raise ScramError("channel binding is not supported by this server")
        authzid, _, bare = rest.partition(",")
        if authzid:
            raise ScramError("client uses authorization identity, but it is not supported")
        attrs = _attributes(bare)
        if "r" not in attrs or not attrs["r"]:
            raise ScramError("client-first-message has no nonce")
        self.gs2_header = f"{flag},{authzid},"
        self.client_first_bare = bare
        self.nonce = attrs["r"] + base64.b64encode(secrets.token_bytes(18)).decode()
        self.server_first = f"r={self.nonce},s={_b64(self.salt)},i={self.iterations}"
        return self.server_first.encode()

    def client_final(self, data: bytes) -> bytes:
        """client-final-message in, server-final-message out; ScramError on a wrong proof."""
        msg = _utf8(data, "client-final-message")
        without_proof, sep, proof_b64 = msg.rpartition(",p=")
        if not sep:
            raise ScramError("client-final-message has no proof")
        attrs = _attributes(without_proof)
        if base64.b64decode(attrs.get("c", "")) != self.gs2_header.encode():
            raise ScramError("SCRAM channel binding check failed")
        if attrs.get("r") != self.nonce:
            raise ScramError("SCRAM nonce does not match")
        try:
            proof = base64.b64decode(proof_b64, validate=True)
        except ValueError:
            raise ScramError("malformed SCRAM proof") from None
        auth_message = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        signature = _hmac(self.stored_key, auth_message)
        if len(proof) != len(signature):
            raise ScramError("malformed SCRAM proof")
        client_key = bytes(a ^ b for a, b in zip(proof, signature))
        if not self.real or not hmac.compare_digest(hashlib.sha256(client_key).digest(), self.stored_key):
            raise ScramError("password authentication failed")
        return f"v={_b64(_hmac(self.server_key, auth_message))}".encode()


def md5_hash(password: str, user: str) -> str:
    """PostgreSQL's stored md5 form: 'md5' + md5(password || user)."""
    return "md5" + hashlib.md5((password + user).encode()).hexdigest()


def md5_response_ok(response: str, stored_md5: str, salt: bytes) -> bool:
    expect = "md5" + hashlib.md5(stored_md5[3:].encode() + salt).hexdigest()
    return hmac.compare_digest(response.encode(), expect.encode())
