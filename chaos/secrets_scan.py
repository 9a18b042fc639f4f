"""After the run: no secret in any log line, any database row or any Redis key or value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import redis
import sqlalchemy as sa

from adapters.storage.tables import metadata


@dataclass
class SecretsScan:
    log_lines: int = 0
    database_rows: int = 0
    redis_keys: int = 0
    found: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"secrets scan: {self.log_lines} log lines, {self.database_rows} database rows, "
                f"{self.redis_keys} Redis keys: {len(self.found)} secrets found")


def _hits(text: bytes, secrets: list[bytes]) -> list[bytes]:
    return [secret for secret in secrets if secret in text]


def scan_logs(logs: Path, secrets: list[bytes], scan: SecretsScan) -> None:
    for path in sorted(logs.rglob("*.log")):
        with open(path, "rb") as lines:
            for number, line in enumerate(lines, start=1):
                scan.log_lines += 1
                if _hits(line, secrets):
                    scan.found.append(f"{path.name}:{number}")


def scan_database(engine: sa.Engine, secrets: list[bytes], scan: SecretsScan) -> None:
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                scan.database_rows += 1
                text = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
                if _hits(text, secrets):
                    scan.found.append(f"database table {table.name}")


def _redis_values(client: redis.Redis, key: bytes) -> list[bytes]:
    kind = client.type(key)
    if kind == b"string":
        return [client.get(key) or b""]
    if kind == b"hash":
        return [k + b"=" + v for k, v in client.hgetall(key).items()]
    if kind == b"list":
        return client.lrange(key, 0, -1)
    if kind == b"set":
        return list(client.smembers(key))
    if kind == b"zset":
        return [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
    return []


def scan_redis(url: str, secrets: list[bytes], scan: SecretsScan) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(count=500):
        scan.redis_keys += 1
        if _hits(b" ".join([key, *_redis_values(client, key)]), secrets):
            scan.found.append(f"redis key {key!r}")


def scan_everything(deployment, logs: Path) -> SecretsScan:
    secrets = [s.encode() for s in deployment.secrets if s]
    scan = SecretsScan()
    scan_logs(logs, secrets, scan)
    scan_database(deployment.uow.engine, secrets, scan)
    scan_redis(deployment.redis.url, secrets, scan)
    return scan
