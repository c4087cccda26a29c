package msg_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	msg "libmsg/bindings/go"
)

func TestOpen_AnUnusableURIIsInvalidURI(t *testing.T) {
	for _, uri := range []string{"nosuch:thing", "", "sqlite:", "sqlite:a\x00b"} {
		s, err := msg.Open(uri)
		if s != nil {
			t.Fatalf("%q opened", uri)
		}
		wantInvalid(t, err, "uri")
	}
}

func TestOpen_AnUnreachableDatabaseIsUnavailable(t *testing.T) {
	// Port 1 on loopback: refused at once, nothing listens there.
	s, err := msg.OpenOptions("postgresql://nobody:s3cret@127.0.0.1:1/none", msg.Options{Timeout: 2 * time.Second})
	if s != nil || !errors.Is(err, msg.ErrUnavailable) {
		t.Fatalf("got %v, %v", s, err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the password is in the error: %v", err)
	}
}

func TestOpen_AnOptionBeyondUnsignedIntIsInvalidOptions(t *testing.T) {
	for _, o := range []msg.Options{
		{PoolTimeout: -time.Second}, {Timeout: (1 << 32) * time.Millisecond}, {PoolSize: 1 << 32},
	} {
		s, err := msg.OpenOptions("sqlite::memory:", o)
		if s != nil {
			t.Fatalf("%+v opened", o)
		}
		wantInvalid(t, err, "options")
	}
}

func TestStore_PingSchemeStatsVersion(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, uri string) {
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		want := "postgres"
		if strings.HasPrefix(uri, "sqlite") {
			want = "sqlite"
		}
		if s.Scheme() != want {
			t.Fatalf("scheme %q, want %q", s.Scheme(), want)
		}
		st, err := s.Stats()
		if err != nil || st.PoolSize < 1 || st.PoolInUse != 0 || st.ErrorsInternal != 0 {
			t.Fatalf("stats %+v, %v", st, err)
		}
	})
	if msg.Version() != "0.1.0" {
		t.Fatalf("version %q", msg.Version())
	}
}

func TestStore_AClosedStoreRefusesCalls(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		s.Close()
		if _, err := s.List(ctx, 1, msg.PageRequest{}); !errors.Is(err, msg.ErrClosed) {
			t.Fatalf("list after close: %v", err)
		}
		if _, _, err := s.Create(ctx, msg.NewMessage{AccountID: 1}); !errors.Is(err, msg.ErrClosed) {
			t.Fatalf("create after close: %v", err)
		}
		if _, err := s.Stats(); !errors.Is(err, msg.ErrClosed) || s.Scheme() != "" {
			t.Fatalf("stats after close: %v", err)
		}
		s.Close() // twice is fine
	})
}

func TestStore_ACancelledContextStopsTheCallBeforeC(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		acct := account()
		_, _, err := s.Create(c, msg.NewMessage{AccountID: acct, SenderNumber: number(), ReceiverNumber: number()})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		page, err := s.List(ctx, acct, msg.PageRequest{})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("a cancelled create stored something: %v %v", page, err)
		}
	})
}
