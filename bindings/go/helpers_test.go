package msg_test

// Helpers of the tests: every test that calls eachStore runs once against
// "sqlite::memory:" and once against PostgreSQL (MSG_TEST_PG_URI; a skip
// without it, which tests/bindings/run.sh counts as a failure). Tests never
// assume an empty database: they draw random accounts and numbers, as the C
// conformance suite does.

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	msg "libmsg/bindings/go"
)

var ctx = context.Background()

func pgURI() string { return os.Getenv("MSG_TEST_PG_URI") }

func storeURIs() map[string]string {
	return map[string]string{"sqlite": "sqlite::memory:", "postgres": pgURI()}
}

// eachStore runs fn as the subtests "sqlite" and "postgres", each with a
// store of its own that is closed afterwards.
func eachStore(t *testing.T, fn func(t *testing.T, s *msg.Store, uri string)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		uri := storeURIs()[name]
		t.Run(name, func(t *testing.T) {
			if uri == "" {
				t.Skip("MSG_TEST_PG_URI is not set")
			}
			s, err := msg.Open(uri)
			if err != nil {
				t.Fatalf("open %s: %v", name, err)
			}
			defer s.Close()
			fn(t, s, uri)
		})
	}
}

func randBelow(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(err)
	}
	return v.Int64()
}

// account is a random account id, 1 .. 2^53-1.
func account() int64 { return 1 + randBelow(1<<53-1) }

// number is a random phone number: '+' and 15 digits.
func number() string { return fmt.Sprintf("+%d", 100000000000000+randBelow(900000000000000)) }

func create(t *testing.T, s *msg.Store, acct int64, sender, receiver string, body *string) *msg.Message {
	t.Helper()
	m, replayed, err := s.Create(ctx, msg.NewMessage{AccountID: acct, SenderNumber: sender,
		ReceiverNumber: receiver, Body: body})
	if err != nil || replayed {
		t.Fatalf("create: %v (replayed %v)", err, replayed)
	}
	return m
}

func sameMessage(a, b msg.Message) bool {
	if (a.Body == nil) != (b.Body == nil) || (a.Body != nil && *a.Body != *b.Body) {
		return false
	}
	return a.MessageID == b.MessageID && a.AccountID == b.AccountID &&
		a.SenderNumber == b.SenderNumber && a.ReceiverNumber == b.ReceiverNumber &&
		a.CreatedAt.Equal(b.CreatedAt)
}

func ids(ms []msg.Message) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.MessageID
	}
	return strings.Join(out, ",")
}

// wantIDs fails unless got holds exactly want's messages, in want's order.
func wantIDs(t *testing.T, got []msg.Message, want ...*msg.Message) {
	t.Helper()
	w := make([]msg.Message, len(want))
	for i, m := range want {
		w[i] = *m
	}
	if ids(got) != ids(w) {
		t.Fatalf("got messages [%s], want [%s]", ids(got), ids(w))
	}
	for i := range got {
		if !sameMessage(got[i], w[i]) {
			t.Fatalf("message %d: got %+v, want %+v", i, got[i], w[i])
		}
	}
}

func reversed(ms []*msg.Message) []*msg.Message {
	out := make([]*msg.Message, len(ms))
	for i, m := range ms {
		out[len(ms)-1-i] = m
	}
	return out
}

// wantInvalid fails unless err is an *InvalidError naming field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	inv, ok := err.(*msg.InvalidError)
	if !ok {
		t.Fatalf("got %T %v, want *msg.InvalidError for %s", err, err, field)
	}
	if inv.Field != field || inv.Message == "" {
		t.Fatalf("got field %q (%q), want %q", inv.Field, inv.Message, field)
	}
}

var clockSlack = 5 * time.Second
