#pragma once
// session_core: the sans-I/O yamux v0.1.1 session state machine (spec/dmsg.md §4.2). No
// sockets, no clocks: bytes go in through receive(), frames come out through pending_output(),
// and the time is passed into every call that needs it. The Asio adaptor (session.hpp) and the
// fuzzer drive it; so do the unit tests, with injected time.
//
// Roles: the dmsg client is the yamux client (opens odd stream ids 1, 3, ...), the dmsg server
// the yamux server (even ids 2, 4, ...). A peer SYN on id 0 or on an id of our parity is a
// protocol error (Go peers never send one).
//
// Input: receive() consumes all of its input. A partial header (< 12 bytes) is kept; Data
// payloads are copied into the stream's receive buffer as they arrive (or discarded, for
// streams we do not know), never buffered whole. A Data frame longer than the stream's
// remaining receive window is a protocol error when its header arrives.
//
// Events: what receive(), on_timer() and consume_output() changed, for the I/O layer to wake
// waiters (take_events()). They are hints; the state itself is read with the stream accessors.
//
// Streams: open_stream() sends WindowUpdate(SYN, 0) and returns at once (like Go, it does not
// wait for the ACK; if none arrives within the open timeout the whole session fails). Peer
// SYNs enter the accept backlog (bounded; overflow → RST); accept() pops one and sends
// WindowUpdate(ACK, credit). write() queues Data within the send window and the output bound
// and returns how much it took (0 = blocked: wait for a `writable` event). read()/consume()
// hand received bytes to the application and return credit to the peer once at least half a
// window can be granted. close_stream() sends FIN (half-close); reset_stream() sends RST.
// release() says the application dropped the stream: its record is freed once the stream is
// finished (both FINs, or RST); until then later data for it is discarded.
//
// Failure: a protocol error queues GoAway(1) and kills the session; timeouts and peer GoAway
// 1/2 kill it without one; close() queues GoAway(0) and kills it. After that every call fails
// with error() (or session_closed) and receive() ignores input, but pending_output() still
// yields what was queued (the adaptor flushes it, bounded by the write timeout, then closes).
//
// Limits: see limits.hpp (per-session memory bound) and config below.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/yamux/header.hpp"
#include "skywire/dmsg/yamux/limits.hpp"

namespace skywire::dmsg::yamux {

using time_point = std::chrono::steady_clock::time_point;
using stream_id = std::uint32_t;

enum class role : std::uint8_t { client, server };

// Local policy; defaults are limits.hpp. The window size is not here: it is a protocol constant.
struct config {
  std::size_t max_streams = limits::max_streams;
  std::size_t accept_backlog = limits::accept_backlog;
  std::size_t max_output_bytes = limits::max_output_bytes;
  std::size_t max_data_frame = limits::max_data_frame;
  bool keepalive = true;
  std::chrono::nanoseconds keepalive_interval = limits::keepalive_interval;
  std::chrono::nanoseconds ping_timeout = limits::ping_timeout;
  std::chrono::nanoseconds open_timeout = limits::stream_open_timeout;
  std::chrono::nanoseconds close_timeout = limits::stream_close_timeout;
};

struct event {
  enum class kind : std::uint8_t {
    incoming,    // a peer stream entered the accept backlog
    acked,       // the peer ACKed a stream we opened
    readable,    // data arrived on the stream
    remote_fin,  // the peer half-closed the stream
    reset,       // the stream was reset (peer RST, or our close timeout)
    writable,    // the stream's send window grew, or output room was freed for it
    pong,        // the outstanding ping was answered (value = ping id)
    go_away,     // the peer sent GoAway(0) (value = code): no more open_stream()
    failed,      // the session died (see error())
  };
  kind what;
  stream_id id = 0;
  std::uint32_t value = 0;
};

// What the application side may ask about a stream.
struct stream_status {
  bool acked = false;           // established (we opened it and got ACK, or we accepted it)
  bool local_fin = false;       // close_stream() was called
  bool remote_fin = false;      // the peer sent FIN
  bool reset = false;           // RST either way, or close timeout
  std::size_t buffered = 0;     // received bytes not yet read
  std::uint32_t send_window = 0;
};

class session_core {
 public:
  session_core(role r, time_point now);
  session_core(role r, time_point now, const config& cfg);

  role local_role() const noexcept { return role_; }

  // --- input ---------------------------------------------------------------------------
  // Consumes all of `in`. An error means the session is dead (also reported by error()).
  result<void> receive(byte_view in, time_point now);

  // Events since the last call, oldest first.
  std::vector<event> take_events();
  bool has_events() const noexcept { return !events_.empty(); }

  // --- streams -------------------------------------------------------------------------
  // Opens a stream (WindowUpdate SYN). Errors: session error, remote_go_away,
  // too_many_streams, streams_exhausted.
  result<stream_id> open_stream(time_point now);
  // Pops the oldest backlog stream and ACKs it; nullopt when the backlog is empty.
  std::optional<stream_id> accept();
  std::size_t backlog_size() const noexcept { return backlog_.size(); }

  // Queues up to data.size() bytes as Data frames; returns the count taken (0: blocked on the
  // send window or the output bound; a `writable` event follows when that changes).
  // Errors: unknown_stream, stream_closed, stream_reset, session error.
  result<std::size_t> write(stream_id id, byte_view data);

  // Received bytes of a stream: the first contiguous chunk (empty if none), and consume().
  byte_view readable(stream_id id) const noexcept;
  // Drops n read bytes (n ≤ buffered) and returns credit to the peer if due.
  void consume(stream_id id, std::size_t n);
  // Copies up to out.size() received bytes and consumes them.
  std::size_t read(stream_id id, mutable_byte_view out);

  // nullopt for an unknown (never opened or already freed) stream.
  std::optional<stream_status> status(stream_id id) const;

  // Sends FIN. Errors: unknown_stream, session error. A second close is a no-op.
  result<void> close_stream(stream_id id, time_point now);
  // Sends RST (unless already reset/finished) and marks the stream reset.
  void reset_stream(stream_id id);
  // The application dropped the stream: close_stream() it if not closed yet; free its record
  // when finished. The id is unknown afterwards.
  void release(stream_id id, time_point now);

  std::size_t stream_count() const noexcept { return streams_.size(); }

  // --- session -------------------------------------------------------------------------
  // Sends GoAway(0): the peer may open no new streams; incoming SYNs get RST. Existing streams
  // continue.
  void go_away();
  // Closes the session locally: GoAway(0) (if not sent yet) and dead with session_closed.
  void close();
  // The transport failed (EOF, socket error, write timeout): dead with `ec`, nothing queued.
  void fail(error_code ec);
  // Sends a Ping(SYN) unless one is outstanding; answered by a `pong` event. Returns its id.
  result<std::uint32_t> ping(time_point now);

  bool closed() const noexcept { return static_cast<bool>(error_); }
  error_code error() const noexcept { return error_; }
  bool remote_went_away() const noexcept { return remote_go_away_; }

  // --- time ----------------------------------------------------------------------------
  // Fires what is due at `now`: keepalive ping, ping timeout, open timeouts, close timeouts.
  void on_timer(time_point now);
  // The earliest time on_timer() has something to do; nullopt when nothing is scheduled.
  std::optional<time_point> next_deadline() const;

  // --- output --------------------------------------------------------------------------
  // Bytes to write to the transport. The view stays valid (and unchanged) until the next
  // pending_output() or consume_output() call; frames queued meanwhile go behind it.
  byte_view pending_output();
  // n bytes of the last pending_output() view were written.
  void consume_output(std::size_t n);
  std::size_t output_size() const noexcept { return (sending_.size() - sent_) + queue_.size(); }

 private:
  enum class open_state : std::uint8_t { syn_sent, syn_received, established };

  struct stream_rec {
    open_state state = open_state::established;
    bool local_fin = false;
    bool remote_fin = false;
    bool reset = false;
    bool released = false;
    bool in_backlog = false;
    bool output_blocked = false;  // write() returned 0 for lack of output room
    std::uint32_t send_window = limits::initial_window;
    std::uint32_t recv_window = limits::initial_window;  // credit the peer still holds
    bytes buf;                // received, unread: buf[head..]
    std::size_t head = 0;
    std::optional<time_point> open_deadline;
    std::optional<time_point> close_deadline;

    std::size_t buffered() const noexcept { return buf.size() - head; }
    bool finished() const noexcept { return reset || (local_fin && remote_fin); }
  };

  stream_rec* find(stream_id id) noexcept;
  const stream_rec* find(stream_id id) const noexcept;

  void process_frame_header(const header& h, time_point now);
  void handle_stream_frame(const header& h, time_point now);
  bool incoming_stream(stream_id id);
  void process_flags(stream_id id, stream_rec& s, std::uint16_t flags);
  void deliver(byte_view payload);
  void protocol_error(error_code ec);
  void die(error_code ec);

  // Frames out. Control frames may use the control allowance; overflowing it kills the session.
  void send_control(const header& h);
  void send_window_update(stream_id id, stream_rec& s, bool force);
  std::uint16_t take_open_flags(stream_rec& s);

  void set_open_deadline(stream_id id, stream_rec& s, std::optional<time_point> t);
  void set_close_deadline(stream_id id, stream_rec& s, std::optional<time_point> t);
  void mark_reset(stream_id id, stream_rec& s, bool emit_event);
  void maybe_free(stream_id id);
  void emit(event::kind k, stream_id id, std::uint32_t value = 0);

  role role_;
  config cfg_;
  error_code error_;
  bool local_go_away_ = false;
  bool remote_go_away_ = false;
  std::uint64_t next_id_;  // 64-bit so that running past 2^32-1 is detectable
  std::unordered_map<stream_id, stream_rec> streams_;
  std::deque<stream_id> backlog_;
  // (deadline, stream) for open and close timeouts; a stream has at most one of each.
  std::multiset<std::pair<time_point, stream_id>> deadlines_;

  // Keepalive.
  std::uint32_t next_ping_id_ = 0;
  std::optional<std::uint32_t> outstanding_ping_;
  std::optional<time_point> ping_deadline_;
  std::optional<time_point> next_keepalive_;

  // Input: a partial header, or the rest of the current Data payload.
  byte_array<limits::header_len> hdr_buf_{};
  std::size_t hdr_have_ = 0;
  std::uint32_t payload_left_ = 0;
  stream_id payload_stream_ = 0;
  bool payload_keep_ = false;  // copy into the stream buffer (else discard)

  // Output: sending_[sent_..] is the view handed out; new frames are appended to queue_.
  bytes sending_;
  std::size_t sent_ = 0;
  bytes queue_;

  // Streams whose write() found no output room (each once: stream_rec::output_blocked).
  std::vector<stream_id> output_blocked_;

  std::vector<event> events_;
};

}  // namespace skywire::dmsg::yamux
