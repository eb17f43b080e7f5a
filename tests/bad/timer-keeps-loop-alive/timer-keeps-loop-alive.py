import asyncio


def tick(loop):
    loop.call_later(0.005, tick, loop)


async def run(state):
    loop = asyncio.get_running_loop()
    tick(loop)
    await loop.create_future()
