"""The office's signing key: Ed25519 through `cryptography`, kept outside the store.

`campaign audit keygen --out office.key` writes the private key (PKCS#8 PEM, readable by its
owner only) and prints the public key (SubjectPublicKeyInfo PEM) for auditors. A key's id is
the first 16 hexadecimal digits of the SHA-256 of its raw 32-byte public key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from campaign.domain.errors import StoreError

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

KEY_ENV = "CAMPAIGN_SIGNING_KEY"


def key_id(public: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey
    key_id: str

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


def generate(path: Path) -> Signer:
    """A new key written to `path` (which must not exist), readable by its owner only."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PrivateKey,
    )

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError("exists already: a key is never overwritten") from None
    except OSError as error:
        raise StoreError(f"cannot be written ({error.strerror})") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return Signer(private, key_id(private.public_key()))


def load_signer(path: Path) -> Signer:
    """The signing key in `path` (PKCS#8 PEM, as keygen writes it)."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PrivateKey,
    )

    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise StoreError(f"cannot be read ({error.strerror})") from None
    except (ValueError, TypeError):
        raise StoreError("is not a PEM private key (campaign audit keygen makes one)") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise StoreError("is not an Ed25519 key (campaign audit keygen makes one)")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise StoreError(
            "is readable by others: a signing key is the office's alone (chmod 600 it)"
        )
    return Signer(private, key_id(private.public_key()))


def load_public(path: Path) -> Ed25519PublicKey:
    """A public key (SubjectPublicKeyInfo PEM, as keygen prints it), or the public half of a
    signing key file."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PublicKey,
    )

    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoreError(f"cannot be read ({error.strerror})") from None
    if b"PRIVATE KEY" in data:
        return load_signer(path).public
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise StoreError("is not a PEM public key (as campaign audit keygen prints it)") from None
    if not isinstance(public, Ed25519PublicKey):
        raise StoreError("is not an Ed25519 public key")
    return public
