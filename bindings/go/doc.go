// Package msg is the Go binding of libmsg, the embeddable message store.
//
// It is a thin layer of cgo over <msg/msg.h>, found with pkg-config
// (libmsg.pc): validation, ids, cursors and text search all happen in C, and
// every call returns what the C call returned, as Go values.
//
//	store, err := msg.Open("sqlite::memory:")
//	if err != nil { ... }
//	defer store.Close()
//	m, replayed, err := store.Create(ctx, msg.NewMessage{
//		AccountID: 42, SenderNumber: "+15551234567",
//		ReceiverNumber: "+15557654321", Body: msg.Text("Hello, Straße!"),
//	})
//	page, err := store.Search(ctx, msg.Filter{AccountIDs: []int64{42}, Q: "strasse"}, msg.PageRequest{})
//	for it := store.ListPages(42, 100); it.Next(ctx); {
//		for _, m := range it.Page().Items { ... }
//	}
//
// Memory: every C object is copied into Go values and freed before the call
// returns, so no C pointer outlives a call and nothing needs freeing by the
// caller. Goroutines: a *Store may be used from many goroutines at once, as
// the C store may; Close waits for the calls in flight and later calls fail
// with ErrClosed.
//
// Context: a call checks its context before it starts; once in C it runs to
// its end, bounded by the store's Timeout (libmsg's timeout_ms), because
// libmsg calls cannot be interrupted.
package msg
