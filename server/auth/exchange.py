"""One client's password exchange for its pg_hba method: the requests the server sends and
the checks of the answers. Failures all look alike, whether or not the role exists."""
from __future__ import annotations

import datetime as dt
import secrets

from redduck.protocol import messages as M
from redduck.protocol import scram
from redduck.protocol.buffers import Reader
from redduck.protocol.errors import ProtocolError


class AuthFailed(Exception):
    """Wrong or missing password (28P01); the reason goes to the log only."""


AUTH_OK, AUTH_CLEARTEXT, AUTH_MD5, AUTH_SASL, AUTH_SASL_CONTINUE, AUTH_SASL_FINAL = 0, 3, 5, 10, 11, 12


class PasswordExchange:
    def __init__(self, method: str, user: str, role) -> None:
        self.user = user
        self.role = role
        if method == "md5" and not (role is not None and role.md5):
            method = "scram-sha-256"   # as PostgreSQL: a SCRAM-stored password is checked by SCRAM
        self.method = method
        self._scram: scram.ScramExchange | None = None
        self._salt = secrets.token_bytes(4)
        self._step = 0

    def start(self) -> M.Message:
        if self.method == "password":
            return M.Authentication(AUTH_CLEARTEXT)
        if self.method == "md5":
            return M.Authentication(AUTH_MD5, self._salt)
        return M.Authentication(AUTH_SASL, scram.MECHANISM.encode() + b"\0\0")

    def answer(self, data: bytes) -> M.Message | None:
        """The client's 'p' message in; the next request out, or None when authenticated."""
        if self.method == "password":
            self._check_expiry()
            pw = data.rstrip(b"\0").decode("utf-8", "replace")
            ok = False
            if self.role is not None and self.role.scram:
                ok = scram.check_password(pw, self.role.scram)
            elif self.role is not None and self.role.md5:
                ok = scram.md5_hash(pw, self.user) == self.role.md5
            if not ok:
                raise AuthFailed("wrong password" if self.role is not None else "no such role")
            return None
        if self.method == "md5":
            self._check_expiry()
            if not scram.md5_response_ok(data.rstrip(b"\0").decode("ascii", "replace"), self.role.md5, self._salt):
                raise AuthFailed("wrong md5 password")
            return None
        return self._sasl(data)

    def _sasl(self, data: bytes) -> M.Message | None:
        try:
            if self._step == 0:
                r = Reader(data)
                mechanism = r.cstring()
                length = r.int32()
                first = r.rest()
                if mechanism != scram.MECHANISM:
                    raise ProtocolError("client selected an invalid SASL authentication mechanism")
                if length != len(first) and not (length == -1 and not first):
                    raise ProtocolError("malformed SASLInitialResponse")
                verifier = self.role.scram if self.role is not None else None
                self._scram = scram.ScramExchange(verifier, mock_seed=self.user.encode())
                self._step = 1
                return M.Authentication(AUTH_SASL_CONTINUE, self._scram.client_first(first))
            if self._step == 1:
                final = self._scram.client_final(data)
                self._step = 2
                self._check_expiry()
                return M.Authentication(AUTH_SASL_FINAL, final)
        except scram.ScramError as e:
            raise AuthFailed(str(e)) from None
        raise ProtocolError("unexpected SASL message")

    def _check_expiry(self) -> None:
        until = getattr(self.role, "valid_until", None)
        if until is not None:
            now = dt.datetime.now(dt.timezone.utc)
            if (until if until.tzinfo else until.replace(tzinfo=dt.timezone.utc)) < now:
                raise AuthFailed("password expired")
