"""The suite's password hasher: Argon2, as in production, at the lowest cost Argon2 allows.

Production's Argon2 takes a few tenths of a second and 100 MB for each hash and each check, on
purpose. The suite hashes and checks passwords by the hundred (every sign-in of a browser test,
every demo district it seeds, its worker processes too), so it keeps the algorithm and the
format (``argon2$...``: what tests/people/test_auth.py and the backup's dump look for) and drops
the cost. rapport/settings.py is what production runs; tests/web/test_settings.py checks it.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: the least Argon2 takes with one lane
    parallelism = 1
