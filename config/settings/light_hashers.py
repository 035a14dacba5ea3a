"""The tests' password hasher: Argon2id as in production, at its lightest cost. The suite hashes and checks
hundreds of passwords (every demo seed registers its people, every browser journey signs in), and the
production cost — about 0.14 s and 100 MB a hash — would add minutes to it without testing anything more:
the algorithm, the encoding and the upgrade path are Django's and the same. Production settings never
name this class (tests/test_security.py checks base.PASSWORD_HASHERS)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class LightArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1
