"""Encryption of identifiers that only the client's own care provider may read (the BSN).

Each care provider's values are encrypted with a key derived for that provider from the
FIELD_ENCRYPTION_KEY, so a value copied to another provider's record cannot be read there, and a
database dump alone reveals nothing. A keyed digest allows checking uniqueness without decrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(purpose: str, provider_id: int) -> bytes:
    master = settings.FIELD_ENCRYPTION_KEY.encode()
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"doorstroom",
        info=f"{purpose}:{provider_id}".encode(),
    ).derive(master)


def encrypt(value: str, provider_id: int) -> str:
    key = base64.urlsafe_b64encode(_derive("encrypt", provider_id))
    return Fernet(key).encrypt(value.encode()).decode()


def decrypt(token: str, provider_id: int) -> str:
    key = base64.urlsafe_b64encode(_derive("encrypt", provider_id))
    try:
        return Fernet(key).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a value of another provider or a changed key
        raise ValueError("cannot decrypt this value for this care provider") from exc


def digest(value: str, provider_id: int) -> str:
    return hmac.new(_derive("digest", provider_id), value.encode(), hashlib.sha256).hexdigest()
