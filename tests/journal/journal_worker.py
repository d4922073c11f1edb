"""A separate process that uses a journal, for the tests that need several processes.

count <target> <scope> <counter file> <times>   increment a counter file under the lock
hold <target> <scope>                           take the lock, say "locked", wait to be killed
open <target> <go file> <key>                   wait for the go file, open, begin one entry
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from withdrawal_clients.journal import Journal

API = "reddio"


def main(command: str, target: str, *args: str) -> None:
    if command == "open":
        go, key = Path(args[0]), args[1]
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.002)
        with Journal.open(target) as journal:
            journal.begin(API, key, "scope", {"by": key})
        print("opened", flush=True)
        return
    with Journal.open(target) as journal:
        if command == "hold":
            with journal.lock(API, args[0]):
                print("locked", flush=True)
                time.sleep(120)
        elif command == "count":
            counter, times = Path(args[1]), int(args[2])
            print("ready", flush=True)
            for _ in range(times):
                with journal.lock(API, args[0]):
                    seen = int(counter.read_text())
                    time.sleep(0.001)  # widen the window a lost update would need
                    counter.write_text(str(seen + 1))
            print("counted", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
