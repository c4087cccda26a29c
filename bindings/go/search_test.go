package msg_test

import (
	"fmt"
	"testing"
	"time"

	msg "libmsg/bindings/go"
)

func search(t *testing.T, s *msg.Store, f msg.Filter) []msg.Message {
	t.Helper()
	page, err := s.Search(ctx, f, msg.PageRequest{})
	if err != nil {
		t.Fatalf("search %+v: %v", f, err)
	}
	return page.Items
}

func TestSearch_TextFoldsCaseAndCompatibilityForms(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		m := create(t, s, acct, number(), number(), msg.Text("Grüße aus der Straße"))
		create(t, s, acct, number(), number(), msg.Text("nothing here"))
		for _, q := range []string{"STRASSE", "grüsse", "ＳＴＲＡＳＳＥ"} {
			wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, Q: q}), m)
		}
	})
}

func TestSearch_EveryQueryWordMustOccur(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		both := create(t, s, acct, number(), number(), msg.Text("coffee at ten"))
		create(t, s, acct, number(), number(), msg.Text("coffee later"))
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, Q: "ten coffee"}), both)
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, Q: "coff"}))
	})
}

func TestSearch_SetsOrWithinAndAcross(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, to := account(), number()
		a, b, c := number(), number(), number()
		ma := create(t, s, acct, a, to, msg.Text("one"))
		mb := create(t, s, acct, b, to, msg.Text("two"))
		create(t, s, acct, c, to, msg.Text("three"))
		other := create(t, s, account(), a, to, msg.Text("one"))
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, SenderNumbers: []string{a, b}}), mb, ma)
		wantIDs(t, search(t, s, msg.Filter{SenderNumbers: []string{a}}), other, ma)
		wantIDs(t, search(t, s, msg.Filter{SenderNumbers: []string{a}, Q: "one", AccountIDs: []int64{acct}}), ma)
		wantIDs(t, search(t, s, msg.Filter{SenderNumbers: []string{a, b}, ReceiverNumbers: []string{number()}}))
	})
}

func TestSearch_ByMessageIDs(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		made := createN(t, s, account(), 3, "m")
		wantIDs(t, search(t, s, msg.Filter{MessageIDs: []string{made[0].MessageID, made[2].MessageID}}),
			made[2], made[0])
	})
}

func TestSearch_TimeBoundsAreExclusive(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		m := createN(t, s, acct, 3, "m")
		f := msg.Filter{AccountIDs: []int64{acct}, CreatedAfter: m[0].CreatedAt, CreatedBefore: m[2].CreatedAt}
		wantIDs(t, search(t, s, f), m[1])
		// Between microseconds: half a microsecond before m[1] still lets it
		// through either bound, as the exact time would.
		half := m[1].CreatedAt.Add(-500 * time.Nanosecond)
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, CreatedAfter: half}), m[2], m[1])
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, CreatedBefore: half}), m[0])
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct},
			CreatedBefore: m[1].CreatedAt.Add(500 * time.Nanosecond)}), m[1], m[0])
		berlin := m[1].CreatedAt.In(time.FixedZone("CET", 3600))
		wantIDs(t, search(t, s, msg.Filter{AccountIDs: []int64{acct}, CreatedBefore: berlin}), m[0])
	})
}

func TestSearch_PagesWalkTheSameFilter(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		made := createN(t, s, acct, 5, "walk ")
		f := msg.Filter{AccountIDs: []int64{acct}, Q: "walk"}
		it := s.SearchPages(f, 2)
		f.AccountIDs[0] = account() // the walk copied the filter
		var seen []msg.Message
		pages := 0
		for it.Next(ctx) {
			pages++
			seen = append(seen, it.Page().Items...)
		}
		if it.Err() != nil || pages != 3 {
			t.Fatalf("%d pages, err %v", pages, it.Err())
		}
		wantIDs(t, seen, reversed(made)...)
	})
}

func TestSearch_RejectsABadFilterNamingIt(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = number()
	}
	accounts := make([]int64, 101)
	for i := range accounts {
		accounts[i] = int64(i + 1)
	}
	cases := []struct {
		field string
		f     msg.Filter
		r     msg.PageRequest
	}{
		{"q", msg.Filter{Q: "!!! ..."}, msg.PageRequest{}},
		{"q", msg.Filter{Q: fmt.Sprintf("%01001d", 0)}, msg.PageRequest{}},
		{"q", msg.Filter{Q: "a\x00b"}, msg.PageRequest{}},
		{"sender_number", msg.Filter{SenderNumbers: many}, msg.PageRequest{}},
		{"receiver_number", msg.Filter{ReceiverNumbers: []string{"12"}}, msg.PageRequest{}},
		{"account_id", msg.Filter{AccountIDs: []int64{1, 0}}, msg.PageRequest{}},
		{"account_id", msg.Filter{AccountIDs: accounts}, msg.PageRequest{}},
		{"message_id", msg.Filter{MessageIDs: []string{"nope"}}, msg.PageRequest{}},
		{"limit", msg.Filter{}, msg.PageRequest{Limit: -5}},
		{"cursor", msg.Filter{}, msg.PageRequest{Cursor: "garbage"}},
	}
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		for _, c := range cases {
			page, err := s.Search(ctx, c.f, c.r)
			if page != nil {
				t.Fatalf("%s: a failed search returned a page", c.field)
			}
			wantInvalid(t, err, c.field)
		}
		acct := account()
		createN(t, s, acct, 3, "x")
		first, err := s.Search(ctx, msg.Filter{AccountIDs: []int64{acct}}, msg.PageRequest{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Search(ctx, msg.Filter{AccountIDs: []int64{acct}, Q: "x1"},
			msg.PageRequest{Limit: 1, Cursor: first.NextCursor})
		wantInvalid(t, err, "cursor")
	})
}
