"""How the desk stores passwords: Argon2id with OWASP's recommended minimum parameters.

Django's default (PBKDF2, 1,000,000 iterations) costs about 0.24 s of CPU per login on the 2-core
machine the desk is measured on; a county's deadline day has 200 units logging in within minutes,
so logins alone would take over a minute of CPU. Argon2id with m = 19 MiB, t = 2, p = 1 — the
first of the OWASP Password Storage Cheat Sheet's equivalent Argon2id settings — costs about
0.02 s and is memory-hard (bench figures: docs/speed.md). Four waitress threads hashing at once
need 4 × 19 MiB.

Hashes made earlier with PBKDF2 still verify (its hasher stays listed) and are rewritten as
Argon2id at the account's next successful login, as Django does for any hasher listed after the
first.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class DeskArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP); the stored hash carries its parameters."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

