"""PyInstaller run-time hook: the environment the pip install's ``python`` would set up.

Certificate authorities for PostgreSQL over TLS. psycopg's binary wheel carries its own
libpq and OpenSSL, whose built-in default CA paths point into the machine that built
them. With ``sslrootcert=system`` libpq asks OpenSSL for its default CAs, and OpenSSL
reads SSL_CERT_FILE. Unless the user set it (or SSL_CERT_DIR), point it at the operating
system's bundle where there is one (Linux distributions), else at certifi's bundle
inside the app (Windows, macOS). ``sslrootcert=FILE`` and ``~/.postgresql/root.crt``
work as always.

A UTF-8 locale. The ``python`` program turns the bare "C" locale into C.UTF-8 (PEP 538)
before anything starts; a frozen app does not, and Qt then warns on stderr. Do the same.
"""

import os
import sys
from pathlib import Path

_SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # Alpine
)


def _ca_bundle():
    if sys.platform.startswith("linux"):
        for candidate in _SYSTEM_BUNDLES:
            if Path(candidate).is_file():
                return candidate
    import certifi

    return certifi.where()


if "SSL_CERT_FILE" not in os.environ and "SSL_CERT_DIR" not in os.environ:
    os.environ["SSL_CERT_FILE"] = _ca_bundle()

if sys.platform.startswith("linux"):
    _locale = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG")
    if _locale in (None, "", "C", "POSIX"):
        os.environ["LC_CTYPE"] = "C.UTF-8"
