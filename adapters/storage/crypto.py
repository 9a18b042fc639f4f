"""Channel credentials encrypted at rest with Fernet.

The key comes from SALES_INBOX_SECRET_KEY (several keys, comma-separated, for rotation: the first
encrypts, all decrypt; entrypoints/config.py appends SALES_INBOX_OLD_SECRET_KEYS after it). In
embedded mode without that variable, a key is generated once into a file readable only by its
owner (mode 0600) and reused on every later start. key_rotation.py re-encrypts stored rows."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from adapters.errors import SecretKeyError

ENV_KEY = "SALES_INBOX_SECRET_KEY"
DEFAULT_KEY_FILE = Path("var/secret.key")


OPENED_KEPT = 256  # decrypted tokens remembered per process (a few per channel)


class SecretBox:
    """Encrypts and decrypts bytes. Holds the key, never shows it.

    A token once decrypted is remembered by its own bytes: the worker reads a channel's
    credentials for every order, and the same ciphertext always holds the same plaintext, so
    this can never answer stale credentials — changed credentials are a new token."""

    def __init__(self, keys: str | bytes, source: str = ENV_KEY):
        self._fernets = _fernets(keys, source)
        self._fernet = MultiFernet(self._fernets)
        self._source = source
        self._opened: dict[bytes, bytes] = {}

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        token = bytes(token)
        plaintext = self._opened.get(token)
        if plaintext is not None:
            return plaintext
        try:
            plaintext = self._fernet.decrypt(token)
        except InvalidToken:
            raise self._unreadable() from None
        if len(self._opened) >= OPENED_KEPT:
            self._opened.clear()
        self._opened[token] = plaintext
        return plaintext

    def is_current(self, token: bytes) -> bool:
        """Encrypted under the first (the encrypting) key."""
        try:
            self._fernets[0].decrypt(bytes(token))
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        """The same plaintext, encrypted again under the first key (readable by any key)."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken:
            raise self._unreadable() from None

    def _unreadable(self) -> SecretKeyError:
        return SecretKeyError(
            f"stored credentials cannot be decrypted: the key in {self._source} is not the "
            "one they were encrypted with"
        )

    def __repr__(self) -> str:
        return "SecretBox(***)"

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")


def _fernets(keys: str | bytes, source: str) -> list[Fernet]:
    text = keys.decode("ascii", "replace") if isinstance(keys, bytes) else keys
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise SecretKeyError(f"{source} is empty")
    try:
        return [Fernet(part) for part in parts]
    except (ValueError, TypeError):
        raise SecretKeyError(
            f"{source} is not a valid Fernet key (32 url-safe base64-encoded bytes); "
            "make one with SecretBox.generate_key()"
        ) from None


def load_secret_box(
    key_file: str | Path | None = DEFAULT_KEY_FILE,
    environ: Mapping[str, str] | None = None,
) -> SecretBox:
    """The box for SALES_INBOX_SECRET_KEY in `environ` (the settings entrypoints/config.py read;
    this module never reads the process environment); else (embedded mode, `key_file` given) the
    key file's, made on first use. Without either, a SecretKeyError says what to set."""
    environ = {} if environ is None else environ
    configured = environ.get(ENV_KEY, "").strip()
    if configured:
        return SecretBox(configured)
    if key_file is None:
        raise SecretKeyError(f"{ENV_KEY} is not set")
    path = Path(key_file)
    return SecretBox(_read_or_create(path), source=f"key file {path}")


def _read_or_create(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_once(path, SecretBox.generate_key())
    return path.read_text(encoding="ascii", errors="replace")


def _create_once(path: Path, key: str) -> None:
    """Write the key to a private temporary file, then link it into place: when two processes
    start together, one key wins and both use it; nobody reads a half-written file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    finally:
        temporary.unlink(missing_ok=True)
