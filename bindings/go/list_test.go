package msg_test

import (
	"fmt"
	"testing"

	msg "libmsg/bindings/go"
)

func createN(t *testing.T, s *msg.Store, acct int64, n int, prefix string) []*msg.Message {
	from, to := number(), number()
	out := make([]*msg.Message, n)
	for i := range out {
		out[i] = create(t, s, acct, from, to, msg.Text(fmt.Sprintf("%s%d", prefix, i)))
	}
	return out
}

func TestList_NewestFirstOnlyTheAccount(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, other := account(), account()
		made := createN(t, s, acct, 5, "m")
		createN(t, s, other, 2, "o")
		page, err := s.List(ctx, acct, msg.PageRequest{})
		if err != nil || page.NextCursor != "" {
			t.Fatalf("list: %v, cursor %q", err, page.NextCursor)
		}
		wantIDs(t, page.Items, reversed(made)...)
	})
}

func TestList_EmptyAccountIsOneEmptyLastPage(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		page, err := s.List(ctx, account(), msg.PageRequest{})
		if err != nil || len(page.Items) != 0 || page.NextCursor != "" {
			t.Fatalf("got %+v, %v", page, err)
		}
	})
}

func TestList_PagesCoverEveryMessageOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		made := createN(t, s, acct, 7, "m")
		var seen []msg.Message
		var sizes []int
		it := s.ListPages(acct, 3)
		for it.Next(ctx) {
			sizes = append(sizes, len(it.Page().Items))
			seen = append(seen, it.Page().Items...)
		}
		if it.Err() != nil || fmt.Sprint(sizes) != "[3 3 1]" {
			t.Fatalf("pages %v, err %v", sizes, it.Err())
		}
		wantIDs(t, seen, reversed(made)...)
		if it.Next(ctx) {
			t.Fatal("Next after the last page returned true")
		}
	})
}

func TestList_WalkIsStableUnderInserts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		made := createN(t, s, acct, 6, "m")
		it := s.ListPages(acct, 2)
		var seen []msg.Message
		for n := 0; it.Next(ctx); n++ {
			seen = append(seen, it.Page().Items...)
			if n == 0 {
				createN(t, s, acct, 4, "later")
			}
		}
		if it.Err() != nil {
			t.Fatal(it.Err())
		}
		wantIDs(t, seen, reversed(made)...)
	})
}

func TestList_RejectsALimitOutOfRange(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		for _, limit := range []int64{-1, 1001, 1 << 62} {
			page, err := s.List(ctx, account(), msg.PageRequest{Limit: limit})
			if page != nil {
				t.Fatal("a failed list returned a page")
			}
			wantInvalid(t, err, "limit")
		}
		acct := account()
		createN(t, s, acct, 2, "m")
		for limit, want := range map[int64]int{1: 1, 1000: 2, 0: 2} {
			page, err := s.List(ctx, acct, msg.PageRequest{Limit: limit})
			if err != nil || len(page.Items) != want {
				t.Fatalf("limit %d: %v, %v", limit, page, err)
			}
		}
	})
}

func TestList_RejectsABadAccountOrCursor(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		for _, bad := range []int64{0, 1 << 53} {
			_, err := s.List(ctx, bad, msg.PageRequest{})
			wantInvalid(t, err, "account_id")
		}
		for _, cursor := range []string{"garbage", "AQAGYdLdMcYBAaJCROntcOmha7t4mXcP", "x\x00"} {
			_, err := s.List(ctx, account(), msg.PageRequest{Cursor: cursor})
			wantInvalid(t, err, "cursor")
		}
		acct := account()
		createN(t, s, acct, 3, "m")
		first, err := s.List(ctx, acct, msg.PageRequest{Limit: 1})
		if err != nil || first.NextCursor == "" {
			t.Fatalf("list: %v", err)
		}
		_, err = s.List(ctx, account(), msg.PageRequest{Cursor: first.NextCursor})
		wantInvalid(t, err, "cursor")
	})
}
