package msg

// Store and its calls. Each method is one libmsg call: it converts its
// arguments into C memory owned by a cArena, calls, copies the result into
// Go values and frees the C object (defer) before returning.
//
// Goroutines: the C store may be used from many threads at once, so calls
// share the handle under a read lock. The one thing C forbids, closing while
// calls still run, is what the write lock prevents: Close waits for the
// calls in flight, and calls after it return ErrClosed.

/*
#cgo pkg-config: libmsg
#include <msg/msg.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"math"
	"sync"
	"time"
)

// Store is an open libmsg store (msg_store). Safe for concurrent use.
type Store struct {
	mu     sync.RWMutex
	handle *C.msg_store // nil once closed
}

// Open opens the store named by uri with libmsg's default options:
// "sqlite::memory:", "sqlite:PATH", "postgresql://...". Pending schema
// migrations run before it returns.
func Open(uri string) (*Store, error) { return OpenOptions(uri, Options{}) }

// OpenOptions is Open with options; a zero field keeps the default.
func OpenOptions(uri string, o Options) (*Store, error) {
	var opts C.msg_store_options
	C.msg_store_options_init(&opts)
	if o.PoolSize != 0 {
		if o.PoolSize > math.MaxUint32 {
			return nil, &InvalidError{Field: "options", Message: "PoolSize does not fit libmsg's unsigned int"}
		}
		opts.pool_size = C.uint(o.PoolSize)
	}
	var err error
	if opts.pool_timeout_ms, err = millis(o.PoolTimeout, opts.pool_timeout_ms, "PoolTimeout"); err != nil {
		return nil, err
	}
	if opts.timeout_ms, err = millis(o.Timeout, opts.timeout_ms, "Timeout"); err != nil {
		return nil, err
	}
	var a cArena
	defer a.free()
	curi, err := a.str(uri, "uri")
	if err != nil {
		return nil, err
	}
	var handle *C.msg_store
	var cerr C.msg_error
	if rc := C.msg_store_open(&handle, curi, &opts, &cerr); rc != C.MSG_OK {
		return nil, fromCError(rc, &cerr)
	}
	return &Store{handle: handle}, nil
}

// millis is d in whole milliseconds (rounded up, so a positive duration
// never becomes 0), or def for 0.
func millis(d time.Duration, def C.uint, name string) (C.uint, error) {
	if d == 0 {
		return def, nil
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if d < 0 || ms > math.MaxUint32 {
		return 0, &InvalidError{Field: "options", Message: name + " must be from 1 ms to 2^32-1 ms"}
	}
	return C.uint(ms), nil
}

// Close closes the store once the calls running on other goroutines have
// returned. Closing again does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handle != nil {
		C.msg_store_close(s.handle)
		s.handle = nil
	}
	return nil
}

// use runs fn with the handle under the read lock, after checking ctx.
func (s *Store) use(ctx context.Context, fn func(h *C.msg_store) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.handle == nil {
		return ErrClosed
	}
	return fn(s.handle)
}

// Scheme is the backend's URI scheme ("sqlite", "postgres", ...); "" once
// the store is closed.
func (s *Store) Scheme() string {
	var scheme string
	_ = s.use(context.Background(), func(h *C.msg_store) error {
		scheme = C.GoString(C.msg_store_scheme(h))
		return nil
	})
	return scheme
}

// Ping checks that the database answers (an ErrUnavailable error if not).
func (s *Store) Ping(ctx context.Context) error {
	return s.use(ctx, func(h *C.msg_store) error {
		var cerr C.msg_error
		if rc := C.msg_store_ping(h, &cerr); rc != C.MSG_OK {
			return fromCError(rc, &cerr)
		}
		return nil
	})
}

// Stats is a snapshot of the pool and error counters.
func (s *Store) Stats() (Stats, error) {
	var st C.msg_store_stats
	err := s.use(context.Background(), func(h *C.msg_store) error {
		C.msg_store_stats_get(h, &st)
		return nil
	})
	return Stats{
		PoolSize: uint(st.pool_size), PoolOpen: uint(st.pool_open), PoolInUse: uint(st.pool_in_use),
		PoolWaits: uint64(st.pool_waits), PoolTimeouts: uint64(st.pool_timeouts),
		ErrorsUnavailable: uint64(st.errors_unavailable), ErrorsInternal: uint64(st.errors_internal),
	}, err
}

// Create validates and stores a message. The bool is true for an idempotent
// replay: the key was used before in this account with the same content, and
// the message is that original one. The same key with other content is an
// ErrConflict error with Field "idempotency_key".
func (s *Store) Create(ctx context.Context, in NewMessage) (*Message, bool, error) {
	var a cArena
	defer a.free()
	var cin C.msg_new_message
	var err error
	cin.account_id = C.int64_t(in.AccountID)
	if cin.sender_number, err = a.str(in.SenderNumber, "sender_number"); err != nil {
		return nil, false, err
	}
	if cin.receiver_number, err = a.str(in.ReceiverNumber, "receiver_number"); err != nil {
		return nil, false, err
	}
	if cin.body, err = a.optStr(in.Body, "body"); err != nil {
		return nil, false, err
	}
	if in.IdempotencyKey != "" {
		if cin.idempotency_key, err = a.str(in.IdempotencyKey, "idempotency_key"); err != nil {
			return nil, false, err
		}
	}
	var m *Message
	var replayed C.bool
	err = s.use(ctx, func(h *C.msg_store) error {
		var out *C.msg_message
		var cerr C.msg_error
		if rc := C.msg_message_create(&out, &replayed, h, &cin, &cerr); rc != C.MSG_OK {
			return fromCError(rc, &cerr)
		}
		defer C.msg_message_free(out)
		got := fromCMessage(out)
		m = &got
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return m, bool(replayed), nil
}

// Get reads one message by id (any UUID, any case): an ErrNotFound error
// when there is none, an *InvalidError (Field "message_id") for a non-UUID.
func (s *Store) Get(ctx context.Context, id string) (*Message, error) {
	var a cArena
	defer a.free()
	cid, err := a.str(id, "message_id")
	if err != nil {
		return nil, err
	}
	var m *Message
	err = s.use(ctx, func(h *C.msg_store) error {
		var out *C.msg_message
		var cerr C.msg_error
		if rc := C.msg_message_get(&out, h, cid, &cerr); rc != C.MSG_OK {
			return fromCError(rc, &cerr)
		}
		defer C.msg_message_free(out)
		got := fromCMessage(out)
		m = &got
		return nil
	})
	return m, err
}

// List reads one page of an account's messages, newest first.
func (s *Store) List(ctx context.Context, accountID int64, r PageRequest) (*Page, error) {
	var a cArena
	defer a.free()
	req, err := pageRequest(&a, r)
	if err != nil {
		return nil, err
	}
	var page *Page
	err = s.use(ctx, func(h *C.msg_store) error {
		var out *C.msg_page
		var cerr C.msg_error
		if rc := C.msg_message_list(&out, h, C.int64_t(accountID), &req, &cerr); rc != C.MSG_OK {
			return fromCError(rc, &cerr)
		}
		defer C.msg_page_free(out)
		page = fromCPage(out)
		return nil
	})
	return page, err
}

// Search reads one page of the messages matching f, newest first. A cursor
// is only valid with the filter it came from.
func (s *Store) Search(ctx context.Context, f Filter, r PageRequest) (*Page, error) {
	var a cArena
	defer a.free()
	req, err := pageRequest(&a, r)
	if err != nil {
		return nil, err
	}
	filter, err := cFilter(&a, f)
	if err != nil {
		return nil, err
	}
	var page *Page
	err = s.use(ctx, func(h *C.msg_store) error {
		var out *C.msg_page
		var cerr C.msg_error
		if rc := C.msg_message_search(&out, h, &filter, &req, &cerr); rc != C.MSG_OK {
			return fromCError(rc, &cerr)
		}
		defer C.msg_page_free(out)
		page = fromCPage(out)
		return nil
	})
	return page, err
}

// Version is the loaded libmsg's version (msg_version), e.g. "0.1.0".
func Version() string { return C.GoString(C.msg_version()) }
