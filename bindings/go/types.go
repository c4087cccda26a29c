package msg

import "time"

// NewMessage is what a caller supplies to Create (msg_new_message).
type NewMessage struct {
	AccountID      int64
	SenderNumber   string
	ReceiverNumber string
	// Body is nil for a message without a body; Text("") is an empty body.
	Body *string
	// IdempotencyKey makes retries safe (scoped to the account); "" is none.
	IdempotencyKey string
}

// Message is a stored message (msg_message), copied out of C.
type Message struct {
	MessageID      string // UUIDv7, canonical lowercase
	AccountID      int64
	SenderNumber   string
	ReceiverNumber string
	Body           *string   // nil: no body
	CreatedAt      time.Time // UTC, microsecond precision
}

// Text returns a pointer to s, for NewMessage.Body.
func Text(s string) *string { return &s }

// PageRequest says which page to read (msg_page_request).
type PageRequest struct {
	// Limit is 1..1000; 0 means libmsg's default (50).
	Limit int64
	// Cursor is the NextCursor of the previous page; "" for the first page.
	Cursor string
}

// Page is a page of messages, newest first (msg_page).
type Page struct {
	Items []Message
	// NextCursor asks for the following page; "" on the last page.
	NextCursor string
}

// Filter says what Search looks for (msg_filter). A message must match every
// set, bound and query given (AND); within a set any value matches (OR).
// Empty sets, zero times and an empty Q impose nothing.
type Filter struct {
	AccountIDs      []int64
	MessageIDs      []string
	SenderNumbers   []string
	ReceiverNumbers []string
	CreatedAfter    time.Time // exclusive; zero: unbounded
	CreatedBefore   time.Time // exclusive; zero: unbounded
	Q               string    // every word must occur in the body; "": none
}

// Stats is a snapshot of the store's counters (msg_store_stats).
type Stats struct {
	PoolSize          uint
	PoolOpen          uint
	PoolInUse         uint
	PoolWaits         uint64
	PoolTimeouts      uint64
	ErrorsUnavailable uint64
	ErrorsInternal    uint64
}

// Options are the store options (msg_store_options); a zero field keeps
// libmsg's default.
type Options struct {
	PoolSize    uint          // most connections held open
	PoolTimeout time.Duration // longest wait for a free connection
	Timeout     time.Duration // bound on connecting and on each statement
}
