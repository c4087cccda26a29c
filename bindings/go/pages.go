package msg

import "context"

// Pages walks every page of a list or a search, one call per Next:
//
//	it := store.ListPages(42, 100)
//	for it.Next(ctx) {
//		for _, m := range it.Page().Items { ... }
//	}
//	if err := it.Err(); err != nil { ... }
//
// Like the C cursors it rests on, a walk never repeats or skips a message,
// even while messages are being created. A Pages is used by one goroutine.
type Pages struct {
	fetch  func(ctx context.Context, cursor string) (*Page, error)
	page   *Page
	cursor string
	done   bool
	err    error
}

// ListPages walks an account's messages, limit per page (0: the default).
func (s *Store) ListPages(accountID int64, limit int64) *Pages {
	return &Pages{fetch: func(ctx context.Context, cursor string) (*Page, error) {
		return s.List(ctx, accountID, PageRequest{Limit: limit, Cursor: cursor})
	}}
}

// SearchPages walks the messages matching f, limit per page (0: the
// default). f is copied: changing it later does not change the walk.
func (s *Store) SearchPages(f Filter, limit int64) *Pages {
	f.AccountIDs = append([]int64(nil), f.AccountIDs...)
	f.MessageIDs = append([]string(nil), f.MessageIDs...)
	f.SenderNumbers = append([]string(nil), f.SenderNumbers...)
	f.ReceiverNumbers = append([]string(nil), f.ReceiverNumbers...)
	return &Pages{fetch: func(ctx context.Context, cursor string) (*Page, error) {
		return s.Search(ctx, f, PageRequest{Limit: limit, Cursor: cursor})
	}}
}

// Next reads the next page; false after the last page or on an error.
func (p *Pages) Next(ctx context.Context) bool {
	if p.done {
		return false
	}
	page, err := p.fetch(ctx, p.cursor)
	if err != nil {
		p.err, p.done, p.page = err, true, nil
		return false
	}
	p.page, p.cursor = page, page.NextCursor
	p.done = page.NextCursor == ""
	return true
}

// Page is the page the last successful Next read.
func (p *Pages) Page() *Page { return p.page }

// Err is the error that ended the walk, or nil.
func (p *Pages) Err() error { return p.err }
