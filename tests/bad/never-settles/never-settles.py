import asyncio


async def run(state):
    await asyncio.get_running_loop().create_future()
