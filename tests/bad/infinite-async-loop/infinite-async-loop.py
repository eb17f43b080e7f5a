# Yields to the loop forever.
import asyncio


async def run(state):
    while True:
        await asyncio.sleep(0)
