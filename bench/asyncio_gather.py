"""The asyncio equivalent of `saywhen gather --file PAIRS`: the tutorial's
say_after, generalised to N coroutines under asyncio.gather.

    async def say_after(delay, what):
        await asyncio.sleep(delay)
        print(what)

PAIRS holds one DELAY:MESSAGE a line, DELAY in seconds (the subset of
saywhen's syntax the benchmark writes). Parsing the file is part of the
measured wall, as it is for saywhen.
"""

import asyncio
import sys


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)


async def main(path):
    with open(path, encoding="utf-8") as pairs:
        parsed = [line.rstrip("\n").split(":", 1) for line in pairs if line.strip()]
    await asyncio.gather(*(say_after(float(delay), what) for delay, what in parsed))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
