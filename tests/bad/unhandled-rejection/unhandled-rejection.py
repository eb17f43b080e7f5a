import asyncio


async def fails():
    raise RuntimeError("nobody awaits this")


async def run(state):
    asyncio.get_running_loop().create_task(fails())
    await asyncio.sleep(0.005)
    return 1
