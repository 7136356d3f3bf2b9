"""How long a refused login takes for a known and an unknown username (they must
match, or the answer tells which accounts exist), and how long a held-back one takes.

    .venv/bin/python -m bench.login_timing [--tries 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from bench.common import console, summary_ms
from yuqing.config import load_settings
from yuqing.network.people import Grant, add_user
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Role
from yuqing.web.app import create_app


def timed(client: TestClient, username: str, tries: int) -> tuple[list[float], set[int]]:
    samples, statuses = [], set()
    for n in range(tries):
        started = time.perf_counter()
        response = client.post(
            "/login",
            data={"username": username, "password": f"wrong-guess-{n}"},
        )
        samples.append(time.perf_counter() - started)
        statuses.add(response.status_code)
    return samples, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(db)
        with db.transaction() as session:
            add_user(session, "analyst", "bench long passphrase", grants=[Grant(Role.ANALYST)])
        settings = load_settings(data_dir=Path(folder), secret_key="b" * 32)
        with TestClient(create_app(settings, db), base_url="https://bench") as client:
            # four of each stay under the account's free attempts: every one is checked
            known, known_status = timed(client, "analyst", min(args.tries, 4))
            unknown, unknown_status = timed(client, "nobody-here", min(args.tries, 4))
            held, held_status = timed(client, "analyst", args.tries)
        db.dispose()
    for label, samples, statuses in (
        ("known user, wrong password", known, known_status),
        ("unknown user", unknown, unknown_status),
        ("the same account, more tries", held, held_status),
    ):
        console.print(f"{label:29} {summary_ms(samples)} {sorted(statuses)}", soft_wrap=True)


if __name__ == "__main__":
    main()
