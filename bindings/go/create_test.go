package msg_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	msg "libmsg/bindings/go"
)

var uuid7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreate_ReturnsTheStoredMessage(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, from, to := account(), number(), number()
		before := time.Now()
		m := create(t, s, acct, from, to, msg.Text("hello"))
		after := time.Now()
		if !uuid7.MatchString(m.MessageID) {
			t.Fatalf("id %q is not a lowercase UUIDv7", m.MessageID)
		}
		if m.AccountID != acct || m.SenderNumber != from || m.ReceiverNumber != to || *m.Body != "hello" {
			t.Fatalf("got %+v", m)
		}
		if m.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt is in %v, want UTC", m.CreatedAt.Location())
		}
		if m.CreatedAt.Before(before.Add(-clockSlack)) || m.CreatedAt.After(after.Add(clockSlack)) {
			t.Fatalf("CreatedAt %v is not between %v and %v", m.CreatedAt, before, after)
		}
		got, err := s.Get(ctx, m.MessageID)
		if err != nil || !sameMessage(*got, *m) {
			t.Fatalf("get: %+v, %v; want %+v", got, err, m)
		}
	})
}

func TestCreate_TimesStrictlyIncrease(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, from, to := account(), number(), number()
		var last time.Time
		for i := 0; i < 20; i++ {
			m := create(t, s, acct, from, to, nil)
			if !m.CreatedAt.After(last) {
				t.Fatalf("created_at %v does not follow %v", m.CreatedAt, last)
			}
			last = m.CreatedAt
		}
	})
}

func TestCreate_NoBodyDiffersFromEmptyBody(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, from, to := account(), number(), number()
		none := create(t, s, acct, from, to, nil)
		empty := create(t, s, acct, from, to, msg.Text(""))
		g1, err1 := s.Get(ctx, none.MessageID)
		g2, err2 := s.Get(ctx, empty.MessageID)
		if err1 != nil || err2 != nil || g1.Body != nil || g2.Body == nil || *g2.Body != "" {
			t.Fatalf("got bodies %v %v (%v %v)", g1.Body, g2.Body, err1, err2)
		}
	})
}

func TestCreate_UnicodeBodiesRoundTrip(t *testing.T) {
	bodies := []string{
		"Grüße aus Köln", "日本語のメッセージ", "emoji 😀👍🏽 and a flag 🇩🇪",
		"e\u0301 combining, \u00e9 precomposed", "RTL: שלום עולם", strings.Repeat("😀", 1600),
	}
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, from, to := account(), number(), number()
		for _, body := range bodies {
			m := create(t, s, acct, from, to, msg.Text(body))
			got, err := s.Get(ctx, m.MessageID)
			if err != nil || *m.Body != body || *got.Body != body {
				t.Fatalf("body %q came back as %q / %v (%v)", body, *m.Body, got, err)
			}
		}
	})
}

func TestCreate_RejectsABadFieldNamingIt(t *testing.T) {
	cases := []struct {
		field  string
		change func(*msg.NewMessage)
	}{
		{"account_id", func(n *msg.NewMessage) { n.AccountID = 0 }},
		{"account_id", func(n *msg.NewMessage) { n.AccountID = -1 }},
		{"account_id", func(n *msg.NewMessage) { n.AccountID = 1 << 53 }},
		{"sender_number", func(n *msg.NewMessage) { n.SenderNumber = "12" }},
		{"sender_number", func(n *msg.NewMessage) { n.SenderNumber = "+1234567890123456" }},
		{"sender_number", func(n *msg.NewMessage) { n.SenderNumber = "+1555abc0100" }},
		{"sender_number", func(n *msg.NewMessage) { n.SenderNumber = "" }},
		{"sender_number", func(n *msg.NewMessage) { n.SenderNumber = "+1555\x00100" }}, // C would see "+1555"
		{"receiver_number", func(n *msg.NewMessage) { n.ReceiverNumber = "++15550100" }},
		{"body", func(n *msg.NewMessage) { n.Body = msg.Text(strings.Repeat("x", 1601)) }},
		{"body", func(n *msg.NewMessage) { n.Body = msg.Text("bad \xff utf-8") }},
		{"body", func(n *msg.NewMessage) { n.Body = msg.Text("lone surrogate \xed\xa0\x80") }},
		{"body", func(n *msg.NewMessage) { n.Body = msg.Text("nul \x00 inside") }},
		{"idempotency_key", func(n *msg.NewMessage) { n.IdempotencyKey = strings.Repeat("k", 256) }},
		{"idempotency_key", func(n *msg.NewMessage) { n.IdempotencyKey = "naïve" }},
		{"idempotency_key", func(n *msg.NewMessage) { n.IdempotencyKey = "tab\there" }},
	}
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct := account()
		for _, c := range cases {
			in := msg.NewMessage{AccountID: acct, SenderNumber: number(), ReceiverNumber: number(),
				Body: msg.Text("b")}
			c.change(&in)
			m, replayed, err := s.Create(ctx, in)
			if m != nil || replayed {
				t.Fatalf("%s: a failed create returned %+v, %v", c.field, m, replayed)
			}
			wantInvalid(t, err, c.field)
			if !errors.Is(err, msg.ErrInvalid) {
				t.Fatalf("%s: errors.Is(err, ErrInvalid) is false", c.field)
			}
		}
		page, err := s.List(ctx, acct, msg.PageRequest{})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("failed creates stored %d messages (%v)", len(page.Items), err)
		}
	})
}
