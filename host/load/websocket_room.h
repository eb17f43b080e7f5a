// The load generator's WebSocket room (LoadMode::kRoom), beyond TechEmpower, for the "Node for
// real-time chat" claim: `connections` clients join one room at options.path and the server
// broadcasts every message any of them sends to all of them, the sender included.
//
// The protocol the servers speak (workloads/web: ws on node:http, aiohttp's WebSocket): after the
// upgrade the server puts the client in the room and sends it the text "joined"; every text
// message is then sent on, unchanged, to every member. Once every client has joined, each sends
// its messages one at a time (the next once its own came back through the room), `requests` in
// all. Every client must receive every message, in each sender's order: a gap, a duplicate or a
// message the room never sent is an error, and so is a delivery that has not come after
// options.timeout_s ("lost_message"). LoadResult::completed counts deliveries (messages × clients),
// the latency is per delivery (from the write that sent the message), and the wall time runs from
// the first message sent to the last delivery, so the joins do not dilute the rate.
#pragma once

#include <sys/socket.h>

#include <functional>

#include "core/status.h"
#include "load/load_generator.h"

namespace duet {

// Initialises the room's loop on the calling thread; `*execute` then runs the whole room on the
// thread that calls it (once) and returns what it measured.
Status PrepareWebSocketRoom(const LoadOptions& options, const sockaddr_storage& addr,
                            std::function<LoadResult()>* execute);

// The text client `sender` sends as its message `seq`, `size` bytes long (longer when the
// identifying part alone is): what every client must receive.
std::string RoomMessage(int sender, uint64_t seq, size_t size);

}  // namespace duet
