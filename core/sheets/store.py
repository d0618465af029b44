"""Where an admin import waits between preview and confirmation: the uploaded sheet, the
preview report and the rejected rows, in a storage every app server shares.

Preview and confirmation are two requests, which a load balancer may send to two app
servers; neither a temporary folder nor a per-process cache holds between them. Both
live in ``STORAGES["imports"]`` when it is configured, else in the default storage
(``PRIVATE_MEDIA_ROOT``, which every app server mounts for attachments too). On a file
system the folders are 0700 and the files 0600. Files are named by random tokens and
removed after a day at most.
"""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

#: How long a preview, an upload and a rejected-rows file wait for the user.
LIFETIME = timedelta(days=1)
UPLOADS = "import-uploads"
REPORTS = "import-reports"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def import_storage():
    """The shared storage; on a file system, one that writes private folders and files."""
    storage = storages["imports"] if "imports" in settings.STORAGES else storages["default"]
    if isinstance(storage, FileSystemStorage):
        return FileSystemStorage(
            location=storage.location,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )
    return storage


def new_token() -> str:
    return uuid.uuid4().hex


def is_token(token: str) -> bool:
    return bool(TOKEN_RE.match(token or ""))


def clear_old(folder: str, storage=None) -> None:
    """Remove what has waited longer than ``LIFETIME`` in ``folder``."""
    storage = storage or import_storage()
    cutoff = timezone.now() - LIFETIME
    try:
        _folders, names = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        path = f"{folder}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
        except (OSError, NotImplementedError):
            continue


def write(path: str, data: bytes, storage=None) -> None:
    storage = storage or import_storage()
    if storage.exists(path):
        storage.delete(path)
    storage.save(path, ContentFile(data))


def read(path: str, storage=None) -> bytes | None:
    storage = storage or import_storage()
    try:
        with storage.open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        return None


class SharedUploadStorage(BaseStorage):
    """``IMPORT_EXPORT_TMP_STORAGE_CLASS``: the uploaded sheet, kept in the shared storage
    under a random token until the import is confirmed (or for a day)."""

    def save(self, data):
        storage = import_storage()
        clear_old(UPLOADS, storage)
        self.name = new_token()
        write(self._path(), data, storage)

    def read(self):
        data = read(self._path())
        if data is None:
            raise FileNotFoundError(self.name)
        if "b" not in self.read_mode:
            return data.decode(self.encoding or "utf-8")
        return data

    def remove(self):
        import_storage().delete(self._path())

    def _path(self) -> str:
        # The confirmation form carries the name back: only a token of ours is a name.
        if not is_token(self.name):
            raise FileNotFoundError(self.name)
        return f"{UPLOADS}/{self.name}"
