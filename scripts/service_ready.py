"""Exit 0 if a service the suite uses answers, 1 (with the reason) if not.

python scripts/service_ready.py postgres postgres://postgres@127.0.0.1:5432/rapport
python scripts/service_ready.py redis redis://127.0.0.1:6379/0
"""

import sys


def postgres_ready(url: str) -> str | None:
    import psycopg

    # Connect to the server's own database: the test database does not exist yet.
    base, _, _ = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def redis_ready(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return None
    except redis.RedisError as error:
        return str(error)


if __name__ == "__main__":
    service, url = sys.argv[1], sys.argv[2]
    problem = {"postgres": postgres_ready, "redis": redis_ready}[service](url)
    if problem:
        print(f"{service} at {url} is not reachable: {problem}")
        sys.exit(1)
